import type { AttachmentView } from '../contract/messages.js';

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
