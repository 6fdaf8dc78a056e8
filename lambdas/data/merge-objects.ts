/**
 * A merge run's objects (implements the MergeObjects port of
 * lambdas/domain/matching/pipeline/ports.ts). In the stack: the province's merge
 * bucket, under merge/<runId>/, encrypted by the bucket's default SSE-KMS with the
 * province key (the bucket refuses anything else). Locally and in tests: memory.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export class S3MergeObjects {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    /** merge/<runId>/ */
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<Uint8Array> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    if (!out.Body) throw new Error(`merge object ${key} has no body`);
    return out.Body.transformToByteArray();
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body }));
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ...(token && { ContinuationToken: token }) }),
      );
      for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key.slice(this.prefix.length));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}

/** Local stand-in: one run's objects in memory. */
export class MemoryMergeObjects {
  readonly objects = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array> {
    const body = this.objects.get(key);
    if (!body) throw new Error(`no merge object ${key}`);
    return body;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body.slice());
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
