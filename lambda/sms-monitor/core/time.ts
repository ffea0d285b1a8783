/** Dates as readers see them: in the configured time zone, unambiguous (ISO order, zone named). */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'long',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  readonly date: string;
  readonly time: string;
  readonly weekday: string;
  readonly zone: string;
}

function parts(at: Date, timeZone: string): LocalParts {
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    time: `${p.hour}:${p.minute}`,
    weekday: String(p.weekday).toUpperCase(),
    zone: p.timeZoneName,
  };
}

/** `2025-03-04 09:15 GMT+1`-style text in the time zone. */
export function formatDateTime(at: Date, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.date} ${p.time} ${p.zone}`;
}

/** `2025-03-04` in the time zone. */
export function localDate(at: Date, timeZone: string): string {
  return parts(at, timeZone).date;
}

/** `MONDAY`..`SUNDAY` in the time zone. */
export function localWeekday(at: Date, timeZone: string): string {
  return parts(at, timeZone).weekday;
}
