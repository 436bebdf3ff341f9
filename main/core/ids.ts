import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // no 0/o, 1/l: ids are read and copied by agents

function randomId(len: number): string {
  const bytes = randomBytes(len);
  let out = '';
  for (let i = 0; i < len; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

export const newTaskId = (): string => `task-${randomId(8)}`;
export const newSessionId = (): string => `sess-${randomId(8)}`;
export const newToken = (): string => randomBytes(32).toString('base64url');
