/**
 * Who took each step of a request, for people to read. The timeline records the actor as the audit log does
 * ("吴敏（核算） (billing)" for staff, "portal:138****8000" for a customer, a name for the system); the
 * console shows a staff member's display name and roles, the portal only "staff", "you" or "system".
 */
import type { Sql } from '../../platform/db/database';

export type ActorKind = 'staff' | 'customer' | 'system';

export interface RecordedEvent {
  step: string;
  fromState: string | null;
  toState: string | null;
  actor: string;
  at: string;
  note: string | null;
}

export interface ReadableEvent extends RecordedEvent {
  actorKind: ActorKind;
  actorName: string | null;
  actorRoles: string[];
}

/** Staff record themselves as "display name (username)": the username in the last parentheses names them. */
const STAFF_ACTOR = /^.+ \(([^()\s]+)\)$/;
/** A customer acts through the portal or the rating link of an SMS. */
const isCustomerActor = (actor: string): boolean => actor.startsWith('portal:') || actor.startsWith('sms-link:');

/** A staff member the caller already knows as they are today (their session), so they need no look-up. */
export interface KnownStaff {
  username: string;
  displayName: string;
  roles: readonly string[];
}

/** The events with their actors resolved: staff by username to today's display name and roles. */
export async function withActors(sql: Sql, events: readonly RecordedEvent[], known?: KnownStaff): Promise<ReadableEvent[]> {
  const staff = new Map<string, { name: string; roles: string[] }>();
  if (known) staff.set(known.username, { name: known.displayName, roles: [...known.roles].sort() });
  const usernames = [...new Set(events.map((event) => STAFF_ACTOR.exec(event.actor)?.[1]).filter((name): name is string => name !== undefined && !staff.has(name)))];
  if (usernames.length > 0) {
    const rows = await sql.query<{ username: string; display_name: string; roles: string[] | null }>(
      `SELECT s.username, s.display_name, array_agg(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL) AS roles
       FROM staff s LEFT JOIN staff_roles r ON r.staff_id = s.id WHERE s.username = ANY($1::text[]) GROUP BY s.id, s.username, s.display_name`,
      [usernames],
    );
    for (const row of rows) staff.set(row.username, { name: row.display_name, roles: row.roles ?? [] });
  }
  return events.map((event) => {
    const username = STAFF_ACTOR.exec(event.actor)?.[1];
    const member = username === undefined ? undefined : staff.get(username);
    if (member) return { ...event, actorKind: 'staff', actorName: member.name, actorRoles: member.roles };
    // A staff member no longer on the books: the name as recorded.
    if (username !== undefined) return { ...event, actorKind: 'staff', actorName: event.actor.slice(0, event.actor.lastIndexOf(' (')), actorRoles: [] };
    return { ...event, actorKind: isCustomerActor(event.actor) ? 'customer' : 'system', actorName: null, actorRoles: [] };
  });
}

/** An event as its customer sees it: no staff names, usernames or phone numbers, only who kind of actor it was. */
export function neutralActor<T extends ReadableEvent>(event: T): T {
  return { ...event, actor: event.actorKind, actorName: null, actorRoles: [] };
}
