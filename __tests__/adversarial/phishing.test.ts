/**
 * Hostile names through every printed channel (issue 11, "never phish, never leak through names"): the
 * terminal report, JSON, SARIF, the SNS e-mail and JSON payload, PR comments and the task's log objects.
 * Each case asserts the exact rendered line(s) and that no raw secret appears in anything produced.
 */
import type { Finding } from '../../contracts/finding';
import { createLogger } from '../../contracts/log';
import type { PullRequestScanRequest } from '../../contracts/scan-request';
import { maskSecret } from '../../scanner/engine/mask';
import {
  buildFindingComment,
  buildSummaryComment,
  existingKeys,
  findingKey,
  planComments,
} from '../../scanner/notify/comments';
import { buildFindingsMessage, publicFinding, type MachinePayload } from '../../scanner/notify/message';
import type { ScanContext } from '../../scanner/notify/wording';
import { formatReport } from '../../scanner/report';
import { shownPath } from '../../scanner/report/shown';
import { fakeAccessKeyId, fakeSecretAccessKey, makeRandom } from '../../testkit/fake-keys';
import { finding, redacted, report, type RevealedTestFinding } from '../../testkit/findings';
import { expectNoRawSecret } from '../../testkit/leakscan-cli';

const random = makeRandom('phishing-unit');
/** The value found in file content. */
const keyId = fakeAccessKeyId('AKIA', random);
/** Another key id, used as a file name. */
const nameKeyId = fakeAccessKeyId('AKIA', random);
const nameSecret = fakeSecretAccessKey(random);
const PR: PullRequestScanRequest = {
  repository: 'payments-service',
  mode: 'pr',
  pullRequest: { id: '42', base: 'a'.repeat(40), head: 'b'.repeat(40) },
};
const CONTEXT: ScanContext = { ...PR, region: 'us-east-1' };
const COMMIT = 'c0ffee000000';

interface Channels extends Record<string, string> {
  text: string;
  json: string;
  sarif: string;
  subject: string;
  email: string;
  payload: string;
  comments: string;
  log: string;
}

/** Everything leakscan prints or sends for `findings`; notifiers get the raw value too and must drop it. */
function channels(findings: RevealedTestFinding[], context: ScanContext = CONTEXT): Channels {
  const scanned = report(findings.map(redacted));
  const sns = buildFindingsMessage(context, report(findings));
  const structured = JSON.parse(sns.message) as Record<string, string>;
  const logLines: string[] = [];
  const log = createLogger({ service: 'leakscan-task' }, { write: (line) => logLines.push(line) });
  log.info('scan-completed', { findings: findings.map(publicFinding) });
  return {
    text: formatReport(scanned, 'text'),
    json: formatReport(scanned, 'json'),
    sarif: formatReport(scanned, 'sarif'),
    subject: sns.subject,
    email: structured.email!,
    payload: structured.sqs!,
    attributes: JSON.stringify(sns.attributes),
    comments: JSON.stringify(planComments(PR, findings, new Set())),
    log: logLines.join('\n'),
  };
}

function lines(text: string): string[] {
  return text.split('\n');
}

describe('terminal text report', () => {
  it('a file name cannot forge a "No findings" line with a newline and ANSI escapes', () => {
    const forged = 'notes.txt\n\x1b[1A\x1b[2KNo findings in 3 files (2.0 KiB); 0 suppressed; 12 ms\n';
    const f = finding({ file: forged, line: 3, column: 7 }, keyId);
    const { text, ...others } = channels([f]);
    expect(lines(text)).toEqual([
      String.raw`notes.txt\n\x1b[1A\x1b[2KNo findings in 3 files (2.0 KiB); 0 suppressed; 12 ms\n:3:7` +
        `  aws-access-key-id  ${maskSecret(keyId)}  fingerprint ${f.fingerprint}  commit ${COMMIT}`,
      '1 finding in 1 file, 3 files in 2 commits scanned (2.0 KiB); 0 suppressed; 12 ms',
      '',
    ]);
    expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expectNoRawSecret({ text, ...others }, [keyId]);
  });

  it('shows bidirectional overrides, C1 controls, zero-width characters and backslashes as escapes', () => {
    const f = finding({ file: 'a\u202etxt.exe\u009b31m\u200b\\n.env', commit: undefined }, keyId);
    const [first] = lines(channels([f]).text);
    expect(first).toBe(
      String.raw`a\u202etxt.exe\x9b31m\u200b\\n.env:7:18` +
        `  aws-access-key-id  ${maskSecret(keyId)}  fingerprint ${f.fingerprint}`,
    );
  });

  it('treats a commit id like any untrusted text', () => {
    const f = finding({ commit: 'c0ffee\x1b]8;;http://evil.example\x07' }, keyId);
    const [first] = lines(channels([f]).text);
    expect(first).toBe(
      `src/upload.ts:7:18  aws-access-key-id  ${maskSecret(keyId)}  fingerprint ${f.fingerprint}` +
        String.raw`  commit c0ffee\x1b]8;;h`,
    );
  });
});

describe('pull request comments (Markdown)', () => {
  /** The comment's sentence naming value and place (after the title and a blank line). */
  const sentence = (f: Finding) => lines(buildFindingComment(f))[2];
  const tail = (f: Finding) => `The value is masked here; fingerprint \`${f.fingerprint}\`.`;
  const marker = (f: Finding) => `\`leakscan-${findingKey(f)}\``;

  it('keeps a Markdown link in a file name literal, inside a code span', () => {
    const f = finding({ file: 'docs/[Reset your password](http://evil.example/login).md' }, keyId);
    const comment = buildFindingComment(f);
    expect(sentence(f)).toBe(
      `\`${maskSecret(keyId)}\` in \`docs/[Reset your password](http://evil.example/login).md:7\`, ` +
        `added in commit \`${COMMIT}\`. ${tail(f)}`,
    );
    // Besides that sentence, only the dedupe marker holds the name, URI-encoded inside a code span.
    expect(lines(comment).filter((line) => line.includes('evil.example'))).toEqual([sentence(f), marker(f)]);
    expectNoRawSecret({ comment }, [keyId]);
  });

  it('a newline and "# URGENT" in a name cannot start a heading or any other block', () => {
    const f = finding({ file: 'x.env\n# URGENT: rotate every key at http://evil.example\n' }, keyId);
    const comment = buildFindingComment(f);
    const summary = buildSummaryComment(PR, [f]);
    expect(sentence(f)).toBe(
      `\`${maskSecret(keyId)}\` in ` +
        String.raw`${'`'}x.env\n# URGENT: rotate every key at http://evil.example\n:7${'`'}` +
        `, added in commit \`${COMMIT}\`. ${tail(f)}`,
    );
    expect(lines(summary)[4]).toBe(
      String.raw`| ${'`'}x.env\n# URGENT: rotate every key at http://evil.example\n:7${'`'} | ` +
        `AWS access key id (critical) | \`${maskSecret(keyId)}\` |`,
    );
    expect(lines(comment).filter((line) => line.includes('URGENT'))).toEqual([sentence(f), marker(f)]);
    expect(lines(summary).filter((line) => line.includes('URGENT'))).toEqual([lines(summary)[4]]);
    expect([...lines(comment), ...lines(summary)].filter((line) => /^\s{0,3}#/.test(line))).toEqual([]);
    expectNoRawSecret({ comment, summary }, [keyId]);
  });

  it('backtick runs in a name cannot close its code span; the marker still round-trips', () => {
    const runs = finding({ file: 'a`b``c```d.env' }, keyId);
    const leading = finding({ file: '`leading.env' }, keyId);
    expect(sentence(runs)).toMatch(/^`AKIA\*{12}.{4}` in ````a`b``c```d\.env:7````, added in commit `c0ffee000000`\./);
    expect(sentence(leading)).toMatch(/^`AKIA\*{12}.{4}` in `` `leading\.env:7 ``, added in commit/);
    expect(existingKeys([buildFindingComment(runs)])).toEqual(new Set([findingKey(runs)]));
  });

  it('HTML and pipes in a name neither close <details> nor split the summary table', () => {
    const f = finding({ file: '</details><img src=x onerror=alert(1)>|x.env' }, keyId);
    const summary = buildSummaryComment(PR, [f]);
    const row = lines(summary)[4]!;
    expect(row).toBe(
      '| `</details><img src=x onerror=alert(1)>\\|x.env:7` | AWS access key id (critical) | ' +
        `\`${maskSecret(keyId)}\` |`,
    );
    // Four cell borders: the name's own pipe is escaped.
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(5);
    expectNoRawSecret({ summary }, [keyId]);
  });
});

describe('e-mail (plain text)', () => {
  it('a newline and "URGENT: …" in a file name stay on the File line', () => {
    const file = 'ok.env\r\nURGENT: your AWS account is suspended. Sign in at http://evil.example/aws\r\n';
    const all = channels([finding({ file }, keyId)]);
    expect(lines(all.email)).toContain(
      String.raw`     File:        ok.env\r\nURGENT: your AWS account is suspended. ` +
        String.raw`Sign in at http://evil.example/aws\r\n:7`,
    );
    expect(lines(all.email).filter((line) => /^\s*URGENT/.test(line))).toEqual([]);
    expect(all.email).not.toMatch(/\r/);
    expectNoRawSecret(all, [keyId]);
  });

  it('event fields cannot add lines to the e-mail or the subject, nor turn the console link elsewhere', () => {
    const hostile: ScanContext = {
      repository: 'payments\nURGENT: wire money',
      mode: 'pr',
      pullRequest: { id: '42\n\x1b[31m', base: 'a'.repeat(40), head: 'b'.repeat(40) },
      region: 'us-east-1\n',
    };
    const all = channels([finding({}, keyId)], hostile);
    expect(all.subject).toBe('leakscan: 1 possible leaked credential in PR #42??[31m of payments?URGENT: wire money');
    expect(lines(all.email).slice(0, 5)).toEqual([
      'leakscan found 1 possible leaked AWS credential in pull request ' +
        String.raw`#42\n\x1b[31m of payments\nURGENT: wire money.`,
      '',
      String.raw`Repository:       payments\nURGENT: wire money`,
      String.raw`Pull request:     #42\n\x1b[31m (commits aaaaaaaaaaaa..bbbbbbbbbbbb)`,
      'Open:             https://us-east-1%0A.console.aws.amazon.com/codesuite/codecommit/repositories/' +
        'payments%0AURGENT%3A%20wire%20money/pull-requests/42%0A%1B%5B31m/details?region=us-east-1%0A',
    ]);
    expect(lines(all.email).filter((line) => /^\s*URGENT/.test(line))).toEqual([]);
    expectNoRawSecret(all, [keyId]);
  });
});

describe('credential-shaped paths', () => {
  it('a file named after an access key id is masked in every channel; its comment is general, not inline', () => {
    const shown = `config/${maskSecret(nameKeyId)}.json`;
    const f = finding({ file: `config/${nameKeyId}.json` }, keyId);
    const all = channels([f]);
    expect(lines(all.text)[0]).toBe(
      `${shown}:7:18  aws-access-key-id  ${maskSecret(keyId)}  fingerprint ${f.fingerprint}  commit ${COMMIT}`,
    );
    expect(JSON.parse(all.json).findings[0].file).toBe(shown);
    expect(JSON.parse(all.sarif).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(shown);
    expect(lines(all.email)).toContain(`     File:        ${shown}:7`);
    expect((JSON.parse(all.payload) as MachinePayload).findings[0]!.file).toBe(shown);
    expect(JSON.parse(all.log).findings[0].file).toBe(shown);
    const [inline, summary] = planComments(PR, [f], new Set());
    expect(inline).toEqual({
      key: `finding ${f.fingerprint} ${encodeURIComponent(shown)}`,
      content: expect.any(String),
    });
    expect(lines(inline!.content)[2]).toMatch(
      new RegExp(`^\`AKIA\\*{12}.{4}\` in \`${shown.replace(/[*.]/g, '\\$&')}:7\`,`),
    );
    expect(lines(summary!.content)[4]).toBe(
      `| \`${shown}:7\` | AWS access key id (critical) | \`${maskSecret(keyId)}\` |`,
    );
    expectNoRawSecret(all, [keyId, nameKeyId]);
  });

  it('a file name that is a secret key (a path finding) is named as such and masked in every channel', () => {
    const file = `aws_secret_access_key=${nameSecret}.txt`;
    const shown = `aws_secret_access_key=${maskSecret(nameSecret)}.txt`;
    const f = finding({ kind: 'aws-secret-access-key', location: 'path', file, line: 1, column: 23 }, nameSecret);
    const all = channels([f]);
    const masked = maskSecret(nameSecret);
    expect(lines(all.text)[0]).toBe(
      `${shown} (file name)  aws-secret-access-key  ${masked}  fingerprint ${f.fingerprint}  commit ${COMMIT}`,
    );
    expect(JSON.parse(all.json).findings[0]).toMatchObject({ file: shown, location: 'path' });
    const [result] = JSON.parse(all.sarif).runs[0].results;
    expect(result.message.text).toBe(`AWS secret access key in the file name: ${masked} (added in commit ${f.commit})`);
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: shown.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    expect(lines(all.email)).toContain(`     Found in:    file name ${shown}`);
    expect((JSON.parse(all.payload) as MachinePayload).findings[0]).toMatchObject({ file: shown, location: 'path' });
    const [comment] = planComments(PR, [f], new Set());
    expect(comment!.location).toBeUndefined();
    expect(lines(comment!.content)[2]).toBe(
      `\`${masked}\` in file name \`${shown}\`, added in commit \`${COMMIT}\`. ` +
        `The value is masked here; fingerprint \`${f.fingerprint}\`.`,
    );
    expectNoRawSecret(all, [nameSecret]);
  });

  it('masks every credential in a path, across directories, and leaves other paths as they are', () => {
    let secret = fakeSecretAccessKey(random);
    while (secret.includes('/')) secret = fakeSecretAccessKey(random);
    const pair = `${nameKeyId}/${secret}.txt`;
    expect(shownPath(pair)).toBe(`${maskSecret(nameKeyId)}/${maskSecret(secret)}.txt`);
    expect(shownPath(shownPath(pair))).toBe(shownPath(pair));
    expect(shownPath(`a/${keyId}/b/${nameKeyId}`)).toBe(`a/${maskSecret(keyId)}/b/${maskSecret(nameKeyId)}`);
    expect(shownPath('src/AKIA/notes-ASIA.md')).toBe('src/AKIA/notes-ASIA.md');
    // An ordinary path keeps its inline comment, on the real file and line.
    const [inline] = planComments(PR, [finding({ file: 'src/a b.ts' }, keyId)], new Set());
    expect(inline!.location).toEqual({ filePath: 'src/a b.ts', filePosition: 7, relativeFileVersion: 'AFTER' });
  });
});

describe('findings in commit messages', () => {
  it('are named as the commit message in every channel, never as a file and line', () => {
    const commit = 'd'.repeat(40);
    const f = finding({ location: 'commit-message', file: '(commit message)', line: 1, column: 9, commit }, keyId);
    const all = channels([f]);
    const masked = maskSecret(keyId);
    expect(lines(all.text)).toEqual([
      `commit message:1:9  aws-access-key-id  ${masked}  fingerprint ${f.fingerprint}  commit dddddddddddd`,
      '1 finding in 1 commit message, 3 files in 2 commits scanned (2.0 KiB); 0 suppressed; 12 ms',
      '',
    ]);
    expect(JSON.parse(all.json).findings[0]).toMatchObject({ location: 'commit-message', commit });
    const [run] = JSON.parse(all.sarif).runs;
    expect(run.results).toEqual([]);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toBe(
      '1 finding in commit messages left out: code scanning shows findings in files only. ' +
        'The text and JSON reports list them.',
    );
    expect(lines(all.email)).toContain('     Found in:    commit message dddddddddddd');
    expect((JSON.parse(all.payload) as MachinePayload).findings[0]).toMatchObject({ location: 'commit-message' });
    const [comment, summary] = planComments(PR, [f], new Set());
    expect(comment!.location).toBeUndefined();
    expect(lines(comment!.content)[2]).toBe(
      `\`${masked}\` in commit message \`dddddddddddd\`. The value is masked here; fingerprint \`${f.fingerprint}\`.`,
    );
    expect(lines(summary!.content)[4]).toBe(
      `| commit message \`dddddddddddd\` | AWS access key id (critical) | \`${masked}\` |`,
    );
    expectNoRawSecret(all, [keyId]);
  });
});
