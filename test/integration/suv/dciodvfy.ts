/** dciodvfy (Debian dicom3tools) on one file: its Error and Warning lines. */
import { execFile } from 'node:child_process';

export interface DciodvfyResult {
  errors: string[];
  warnings: string[];
  /** Everything it printed (stdout + stderr). */
  output: string;
}

export function dciodvfy(file: string): Promise<DciodvfyResult> {
  return new Promise((resolve, reject) => {
    // dciodvfy prints its findings on stderr and exits non-zero when it found errors: both are answers here.
    execFile('dciodvfy', [file], { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('dciodvfy not found: install Debian\'s dicom3tools (apt-get install dicom3tools; .ci/run does)'));
        return;
      }
      const output = `${stdout}${stderr}`;
      const lines = output.split('\n').map((l) => l.trim());
      resolve({
        errors: lines.filter((l) => /^Error\b/.test(l)),
        warnings: lines.filter((l) => /^Warning\b/.test(l)),
        output,
      });
    });
  });
}
