import type { CannedResponseView } from '@contract/canned-responses';
import styles from './canned-suggestions.module.css';

export interface CannedSuggestionsProps {
  id: string;
  items: CannedResponseView[];
  activeIndex: number;
  optionId(index: number): string;
  onPick(item: CannedResponseView): void;
}

// The "/" list under the composer: a listbox driven from the textarea (aria-activedescendant), as a combobox.
export function CannedSuggestions({ id, items, activeIndex, optionId, onPick }: CannedSuggestionsProps) {
  return (
    <ul id={id} role="listbox" aria-label="Canned responses" className={styles.list}>
      {items.map((item, index) => (
        <li
          key={item.id}
          id={optionId(index)}
          role="option"
          aria-selected={index === activeIndex}
          className={styles.option}
          // mousedown, not click: the textarea keeps the focus.
          onMouseDown={(event) => {
            event.preventDefault();
            onPick(item);
          }}
        >
          <span className={styles.code}>/{item.shortCode}</span>
          <span className={styles.content}>{item.content}</span>
        </li>
      ))}
    </ul>
  );
}
