/** A moment as an email gives it: in the recipient's zone, the zone named ("Dec 7, 2026, 3:04 PM (Europe/Berlin)"). */
export function emailTime(at: Date, timeZone: string): string {
  let zone = timeZone;
  let text: string;
  try {
    text = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone }).format(at);
  } catch {
    zone = "UTC";
    text = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: zone }).format(at);
  }
  return `${text} (${zone})`;
}
