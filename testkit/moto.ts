/**
 * Starts a real moto server (AWS API emulator) on 127.0.0.1 for integration tests and points the
 * AWS SDK at it through environment variables, so production code runs unmodified.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { ensurePythonTool } from './python-tools';

export interface MotoServer {
  endpoint: string;
  region: string;
  /** Environment for SDK clients (in this process or a child) to reach moto. */
  env: Record<string, string>;
  /** Wipes all moto state between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function startMoto(region = 'us-east-1'): Promise<MotoServer> {
  const exe = ensurePythonTool('moto');
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Recording off (it logs every request body to ./moto_recording); cwd a temp dir in case it is on.
  const child: ChildProcess = spawn(exe, ['-H', '127.0.0.1', '-p', String(port)], {
    cwd: tmpdir(),
    env: { ...process.env, MOTO_ENABLE_RECORDING: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not start on ${endpoint}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    // moto accepts any credentials; these are obviously not credential-shaped.
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
  };
  return {
    endpoint,
    region,
    env,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    async stop() {
      if (child.exitCode !== null) return;
      await new Promise<void>((r) => {
        child.once('exit', () => r());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    },
  };
}

/** SDK client settings for a moto server: its endpoint and Region, moto's dummy credentials. */
export function clientConfig(moto: MotoServer) {
  return {
    endpoint: moto.endpoint,
    region: moto.region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

/** The findings table as the platform stack defines it (stacks/constructs/findings-table.ts), made in moto. */
export async function createFindingsTable(dynamo: DynamoDBClient, tableName: string): Promise<void> {
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'repository', AttributeType: 'S' },
        { AttributeName: 'fingerprint', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'repository', KeyType: 'HASH' },
        { AttributeName: 'fingerprint', KeyType: 'RANGE' },
      ],
    }),
  );
}
