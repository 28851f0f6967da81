// Wraps an AuthorityClient so that every verify and bind is counted by result and timed
// (mamori_code_verifications_total, mamori_code_verification_duration_seconds). The answers
// pass through untouched; an AuthorityUnavailableError is counted as `unavailable` and thrown on.
import type { MamoriMetrics, VerificationResult } from '../observability/mamori-metrics.js';
import { AuthorityUnavailableError, type AuthorityClient } from './authority-client.js';

export function instrumentAuthorityClient(client: AuthorityClient, metrics: MamoriMetrics): AuthorityClient {
  async function timed<T>(operation: 'verify' | 'bind', call: () => Promise<T>, resultOf: (answer: T) => VerificationResult): Promise<T> {
    const started = process.hrtime.bigint();
    let result: VerificationResult = 'unavailable';
    try {
      const answer = await call();
      result = resultOf(answer);
      return answer;
    } catch (error) {
      // A TypeError is a caller's bug, not the authority's state: not counted as unavailable.
      if (!(error instanceof AuthorityUnavailableError)) result = 'error';
      throw error;
    } finally {
      metrics.codeVerificationSeconds.observe({ operation }, Number(process.hrtime.bigint() - started) / 1e9);
      metrics.codeVerifications.inc({ operation, result });
    }
  }
  return {
    verify: (input) => timed('verify', () => client.verify(input), (answer) => (answer.valid ? 'valid' : answer.reason)),
    bind: (input) =>
      timed('bind', () => client.bind(input), (answer) => {
        if (answer.ok) return 'valid';
        return answer.reason === 'malformed_serial' ? 'unknown_serial' : answer.reason;
      }),
    unbind: (bindingId) => client.unbind(bindingId),
    resync: (input) => client.resync(input),
  };
}
