/**
 * Who did a step of an application, as the console shows it: a staff member by name and the post of the stage
 * (its role, as the portal names the staff), not by login; the applicant on the portal by the masked phone.
 * The server sends who it was as data (an event's actorKind and actorName, a stage's doneByName).
 */
import type { ApplicationActorKind } from './types';

export interface ActorWords {
  /** 申请人 139****5678 */
  applicant: (phone: string) => string;
  /** 王丽（综合窗口） */
  withPost: (name: string, post: string) => string;
}

/** The label of an actor; `post` is the post of the stage they acted at, if any. */
export function describeActor(actor: { kind: ApplicationActorKind; name: string }, post: string | null, words: ActorWords): string {
  if (actor.kind === 'applicant') return words.applicant(actor.name);
  if (actor.kind !== 'staff' || !post) return actor.name;
  // Some staff names already carry their post (王丽（综合窗口）): not twice.
  return actor.name.includes(post) ? actor.name : words.withPost(actor.name, post);
}

/** The stage whose post an event's actor held: the event's own stage, else (办结) the last stage before it. */
export function eventStageCode(events: readonly { stageCode: string | null }[], index: number): string | null {
  for (let at = index; at >= 0; at -= 1) {
    const code = events[at]?.stageCode;
    if (code) return code;
  }
  return null;
}
