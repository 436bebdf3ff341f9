// Builds the CLI bundle once before the tests: sessions run the real `maestro` launcher.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', 'cli'], { stdio: 'inherit' });
}
