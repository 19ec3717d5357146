/**
 * Directory scans on two threads: the main thread and one worker pull file indexes from a shared
 * counter (so neither waits for the other), each reads and scans its files, and the results are
 * merged. The worker runs the CLI entry file again, which hands control to `runShardWorker`. Only
 * the CLI enables it (tests and library callers scan on the calling thread).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { scanFragment, type RevealedFinding } from './engine';
import { LeakscanError } from './errors';
import { RULES } from './rules';
import { readFragment } from './sources/files';
import type { SourceStats } from './sources/text';

/** Below this a second thread costs more (loading the bundle again, ~0.1 s) than it saves. */
const MIN_FILES_FOR_WORKER = 500;

export interface FilesJob {
  root: string;
  files: string[];
  maxBytes: number;
  /** Allow regexes as [source, flags]: RegExp objects do not cross threads. */
  allow: Array<[string, string]>;
  baseline: string[];
}

export interface FilesResult {
  findings: RevealedFinding[];
  suppressed: number;
  stats: SourceStats;
}

interface WorkerInput {
  leakscanFilesJob: FilesJob;
  next: Int32Array;
}

let workerEntry: string | undefined;

/** Called by the CLI with its own entry file; workers start from it. */
export function enableWorkers(entry: string): void {
  workerEntry = entry;
}

/** Scans files until the shared counter runs past the end. */
function drain(job: FilesJob, next: Int32Array): FilesResult {
  const suppressions = { allow: job.allow.map(([source, flags]) => new RegExp(source, flags)), baseline: new Set(job.baseline) };
  const stats: SourceStats = { filesScanned: 0, bytesScanned: 0, filesSkipped: 0 };
  const findings: RevealedFinding[] = [];
  let suppressed = 0;
  for (let i = Atomics.add(next, 0, 1); i < job.files.length; i = Atomics.add(next, 0, 1)) {
    const fragment = readFragment(job.root, job.files[i]!, job.maxBytes, stats);
    if (!fragment) continue;
    const result = scanFragment(fragment, RULES, suppressions);
    findings.push(...result.findings);
    suppressed += result.suppressed;
  }
  return { findings, suppressed, stats };
}

/** In a worker started by `scanFiles`: does its share and reports back. Returns false elsewhere. */
export function runShardWorker(): boolean {
  const input = workerData as WorkerInput | undefined;
  if (isMainThread || !input?.leakscanFilesJob) return false;
  parentPort?.postMessage(drain(input.leakscanFilesJob, input.next));
  return true;
}

function merge(a: FilesResult, b: FilesResult): FilesResult {
  return {
    findings: [...a.findings, ...b.findings],
    suppressed: a.suppressed + b.suppressed,
    stats: { filesScanned: a.stats.filesScanned + b.stats.filesScanned, bytesScanned: a.stats.bytesScanned + b.stats.bytesScanned, filesSkipped: a.stats.filesSkipped + b.stats.filesSkipped },
  };
}

export async function scanFiles(job: FilesJob): Promise<FilesResult> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  if (!workerEntry || job.files.length < MIN_FILES_FOR_WORKER) return drain(job, next);
  const worker = new Worker(workerEntry, { workerData: { leakscanFilesJob: job, next } satisfies WorkerInput });
  const theirs = new Promise<FilesResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', (err) => reject(new LeakscanError(`scan worker failed: ${err.message}`, { cause: err })));
    worker.once('exit', (code) => reject(new LeakscanError(`scan worker exited (${code}) before reporting`)));
  });
  const mine = drain(job, next);
  try {
    return merge(mine, await theirs);
  } finally {
    await worker.terminate();
  }
}
