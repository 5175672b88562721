/**
 * Who did a step of an application, as the console shows it: a staff member by name and the post of the stage
 * (its role, as the portal names the staff), not by login. The server records a staff member as
 * "name (login)" and a customer on the portal as "portal:139****5678".
 */
export type ActorParts = { kind: 'staff'; name: string } | { kind: 'applicant'; phone: string } | { kind: 'other'; text: string };

const STAFF = /^(.*\S)\s+\(([^()\s]+)\)$/;

export function actorParts(actor: string): ActorParts {
  if (actor.startsWith('portal:')) return { kind: 'applicant', phone: actor.slice('portal:'.length) };
  const staff = STAFF.exec(actor);
  if (staff?.[1]) return { kind: 'staff', name: staff[1] };
  return { kind: 'other', text: actor };
}

/** The stage whose post an event's actor held: the event's own stage, else (办结) the last stage before it. */
export function eventStageCode(events: readonly { stageCode: string | null }[], index: number): string | null {
  for (let at = index; at >= 0; at -= 1) {
    const code = events[at]?.stageCode;
    if (code) return code;
  }
  return null;
}
