/** The OTP core for Node: every pure module plus the node:crypto HMAC. Browsers import pure.ts. */
export * from './pure.js';
export * from './hmac-node.js';
