import type { S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { lazyImport } from '../../common/lazy-import.js';
import type { AttachmentStorage } from './attachment-storage.js';

export interface S3Options {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

// The AWS SDK is tens of MB resident: loaded with the first attachment, only on servers configured for S3.
const loadSdk = lazyImport(async () => {
  const [{ S3Client, GetObjectCommand, DeleteObjectCommand }, { Upload }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/lib-storage'),
  ]);
  return { S3Client, GetObjectCommand, DeleteObjectCommand, Upload };
});
type Sdk = Awaited<ReturnType<typeof loadSdk>>;

// Any S3-compatible store (AWS, MinIO, R2, ...). Uploads are multipart streams: never buffered whole.
export class S3Storage implements AttachmentStorage {
  private readonly connecting = lazyImport(async () => this.connect(await loadSdk()));

  constructor(private readonly options: S3Options) {}

  private connect(sdk: Sdk): { sdk: Sdk; client: S3Client } {
    const options = this.options;
    const client = new sdk.S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
    });
    return { sdk, client };
  }

  async write(key: string, body: Readable, contentType: string): Promise<void> {
    const { sdk, client } = await this.connecting();
    await new sdk.Upload({
      client,
      params: { Bucket: this.options.bucket, Key: key, Body: body, ContentType: contentType },
    }).done();
  }

  async read(key: string): Promise<Readable> {
    const { sdk, client } = await this.connecting();
    const object = await client.send(new sdk.GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    if (!(object.Body instanceof Readable)) {
      throw new Error(`no readable body for ${key}`);
    }
    return object.Body;
  }

  async remove(key: string): Promise<void> {
    const { sdk, client } = await this.connecting();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }
}
