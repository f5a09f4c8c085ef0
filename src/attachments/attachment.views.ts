// As it appears in a message and in the upload answer. The bytes need the bearer token, like every route.
export interface AttachmentView {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  url: string;
  thumbnailUrl: string | null;
}

export interface AttachmentSummary {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
}

export function toAttachmentView(summary: AttachmentSummary): AttachmentView {
  return {
    id: summary.id,
    fileName: summary.fileName,
    contentType: summary.contentType,
    size: summary.size,
    width: summary.width,
    height: summary.height,
    url: `/chat/attachments/${summary.id}`,
    thumbnailUrl: summary.hasThumbnail ? `/chat/attachments/${summary.id}/thumbnail` : null,
  };
}
