import { readFileSync } from 'node:fs';

/** Read a fixture (a real HAProxy 2.6.12 reply, byte for byte). */
export function fixture(path: string): string {
  return readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8');
}

/** Fixtures captured by scripts/capture.mjs and extracted from the reference transcripts. */
export const real = (name: string) => fixture(`real-2.6/${name}`);
export const transcript = (name: string) => fixture(`transcripts-2.6/${name}`);
