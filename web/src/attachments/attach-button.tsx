import { useRef } from 'react';

// The paperclip: a real button (keyboard, label) in front of a hidden file input.
export function AttachButton({ className, onFiles }: { className?: string; onFiles(files: File[]): void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={className} onClick={() => fileInput.current?.click()} aria-label="Attach files">
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
          <path
            d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinecap="round"
          />
        </svg>
      </button>
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        onChange={(event) => {
          onFiles(Array.from(event.target.files ?? []));
          // The same file can be chosen again after removing it.
          event.target.value = '';
        }}
      />
    </>
  );
}
