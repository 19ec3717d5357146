/**
 * The few S3 calls the ops tests make against moto (the project has no S3 SDK client): create the
 * state bucket, list keys, read an object. Signed with SigV4, as moto requires for reading SSE-KMS
 * objects such as Terraform's state.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { MotoServer } from '../../../testkit/moto';

export interface S3Object {
  key: string;
  etag: string;
}

export class MotoS3 {
  private readonly signer: SignatureV4;
  private readonly url: URL;

  constructor(
    moto: MotoServer,
    readonly bucket: string,
  ) {
    this.url = new URL(moto.endpoint);
    const credentials = { accessKeyId: moto.env.AWS_ACCESS_KEY_ID!, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY! };
    this.signer = new SignatureV4({
      credentials,
      region: moto.region,
      service: 's3',
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  private async send(method: 'GET' | 'PUT', key: string, query: Record<string, string> = {}): Promise<Response> {
    const path = `/${this.bucket}${key ? `/${key.split('/').map(encodeURIComponent).join('/')}` : ''}`;
    const headers = { host: this.url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
    const signed = await this.signer.sign({
      method,
      protocol: 'http:',
      hostname: this.url.hostname,
      port: Number(this.url.port),
      path,
      query,
      headers,
    });
    const target = new URL(path, this.url);
    for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
    const response = await fetch(target, { method, headers: signed.headers });
    if (!response.ok) throw new Error(`S3 ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return response;
  }

  async createBucket(): Promise<void> {
    await this.send('PUT', '');
  }

  async list(): Promise<S3Object[]> {
    const xml = await (await this.send('GET', '', { 'list-type': '2' })).text();
    return [...xml.matchAll(/<Key>([^<]+)<\/Key>.*?<ETag>([^<]+)<\/ETag>/gs)].map((m) => ({ key: m[1]!, etag: m[2]! }));
  }

  async getText(key: string): Promise<string> {
    return (await this.send('GET', key)).text();
  }
}
