// Test support: reading the development mailbox (/mailbox/, src/notifications/web/mailbox-part.ts)
// in a browser, the way a developer does — the list (time, to, subject, newest first), filtered
// by contract, and one mail opened from it by its link. Browser tests that check what was mailed
// read it through these, so a change of the page's layout is made here once.
import type { Page } from 'playwright-core';

export interface MailboxFilter {
  contractId?: string;
  institution?: string;
}

/** A line of the list. */
export interface MailboxRow {
  id: string;
  kind: string;
  status: string;
  time: string;
  to: string;
  subject: string;
}

/** A mail as its own page shows it. */
export interface OpenedMail {
  id: string;
  kind: string;
  subject: string;
  to: string;
  /** "demo 1000000001": the institution and the contract ID. */
  contract: string;
  time: string;
  body: string;
}

/** The mailbox's list with the filter, every page of it followed: its rows, newest first. */
export async function mailboxRows(page: Page, baseUrl: string, filter: MailboxFilter = {}): Promise<MailboxRow[]> {
  await gotoList(page, baseUrl, filter);
  const rows: MailboxRow[] = [];
  for (;;) {
    rows.push(
      ...(await page.locator('li.mailbox-list__mail').evaluateAll((items) =>
        items.map((li) => ({
          id: li.getAttribute('data-id') ?? '',
          kind: li.getAttribute('data-kind') ?? '',
          status: li.getAttribute('data-status') ?? '',
          time: li.querySelector('time')?.textContent ?? '',
          to: li.querySelector('.mailbox-list__to')?.firstChild?.textContent?.trim() ?? '',
          subject: li.querySelector('a')?.textContent ?? '',
        })),
      )),
    );
    const older = page.locator('.mailbox-pages a[rel="next"]');
    if ((await older.count()) === 0) return rows;
    await older.click();
    await page.locator('.mailbox-count').waitFor();
  }
}

/** Opens a row's mail from the list on the page, by its link, and reads it. */
export async function openMail(page: Page, row: Pick<MailboxRow, 'id'>): Promise<OpenedMail> {
  await page.locator(`li.mailbox-list__mail[data-id="${row.id}"] a`).click();
  return readOpenedMail(page);
}

/** The mail on the page (`?mail=…`). */
export async function readOpenedMail(page: Page): Promise<OpenedMail> {
  const mail = page.locator('article.mail');
  await mail.waitFor();
  return {
    id: (await mail.getAttribute('data-id')) ?? '',
    kind: (await mail.getAttribute('data-kind')) ?? '',
    subject: await mail.locator('.mail__subject').innerText(),
    to: await mail.locator('.mail__to').innerText(),
    contract: await mail.locator('.mail__contract').innerText(),
    time: await mail.locator('.mail__headers time').first().innerText(),
    body: (await mail.locator('pre.mail__body').textContent()) ?? '',
  };
}

/** Every mail the filter lists, each opened from the list in turn, newest first. */
export async function mailboxMails(page: Page, baseUrl: string, filter: MailboxFilter = {}): Promise<OpenedMail[]> {
  const rows = await mailboxRows(page, baseUrl, filter);
  const mails: OpenedMail[] = [];
  for (const row of rows) {
    await gotoList(page, baseUrl, filter);
    mails.push(await openMailFromAnyPage(page, row));
  }
  return mails;
}

/** The newest mail of the contract (of a kind, when given), opened from the list. */
export async function newestMail(page: Page, baseUrl: string, filter: MailboxFilter & { contractId: string; kind?: string }): Promise<OpenedMail> {
  const rows = await mailboxRows(page, baseUrl, filter);
  const row = rows.find((r) => filter.kind === undefined || r.kind === filter.kind);
  if (row === undefined) throw new Error(`no mail${filter.kind ? ` ${filter.kind}` : ''} for contract ${filter.contractId}`);
  await gotoList(page, baseUrl, filter);
  return openMailFromAnyPage(page, row);
}

/** The first page of the list with the filter (the query the filter form sends). */
async function gotoList(page: Page, baseUrl: string, filter: MailboxFilter): Promise<void> {
  const params = new URLSearchParams();
  if (filter.institution !== undefined) params.set('institution', filter.institution);
  if (filter.contractId !== undefined) params.set('contract', filter.contractId);
  const answer = await page.goto(`${baseUrl}/mailbox/${params.size > 0 ? `?${params.toString()}` : ''}`);
  if (answer === null || answer.status() !== 200) throw new Error(`the mailbox answered ${answer?.status()}`);
}

/** A row's mail from whichever page of the list holds it (older pages followed). */
async function openMailFromAnyPage(page: Page, row: MailboxRow): Promise<OpenedMail> {
  for (;;) {
    if ((await page.locator(`li.mailbox-list__mail[data-id="${row.id}"]`).count()) > 0) return openMail(page, row);
    const older = page.locator('.mailbox-pages a[rel="next"]');
    if ((await older.count()) === 0) throw new Error(`mail ${row.id} is not in the list`);
    await older.click();
    await page.locator('.mailbox-count').waitFor();
  }
}
