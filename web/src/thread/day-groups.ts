export interface DayGroup<T> {
  key: string;
  label: string;
  items: T[];
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

function localDayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

export function dayLabel(date: Date, now = new Date()): string {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (localDayKey(date) === localDayKey(now)) {
    return 'Today';
  }
  if (localDayKey(date) === localDayKey(yesterday)) {
    return 'Yesterday';
  }
  return dayFormat.format(date);
}

export function formatTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

// For the conversation list: the time today, otherwise the date.
export function formatListTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  return localDayKey(date) === localDayKey(now) ? timeFormat.format(date) : shortDateFormat.format(date);
}

// Consecutive items of the same local day, in the given order.
export function groupByDay<T>(items: T[], dateOf: (item: T) => string): DayGroup<T>[] {
  const groups: DayGroup<T>[] = [];
  for (const item of items) {
    const date = new Date(dateOf(item));
    const key = localDayKey(date);
    const last = groups.at(-1);
    if (last?.key === key) {
      last.items.push(item);
    } else {
      groups.push({ key, label: dayLabel(date), items: [item] });
    }
  }
  return groups;
}
