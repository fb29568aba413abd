// `npm run dokuei -- …`: the CLI's process entry (importing main.ts alone runs nothing).
import { runAsEntry } from './main';

runAsEntry(process.argv.slice(2));
