import { describe, expect, it } from 'vitest';
import { actorParts, eventStageCode } from './actors';

describe('who did a step of an application', () => {
  it('names a staff member without the login, the applicant by the masked phone, anything else as recorded', () => {
    expect(actorParts('王芳 (counter)')).toEqual({ kind: 'staff', name: '王芳' });
    expect(actorParts('Li Lei (li.lei)')).toEqual({ kind: 'staff', name: 'Li Lei' });
    expect(actorParts('portal:139****5678')).toEqual({ kind: 'applicant', phone: '139****5678' });
    expect(actorParts('system')).toEqual({ kind: 'other', text: 'system' });
    expect(actorParts('综合窗口')).toEqual({ kind: 'other', text: '综合窗口' });
  });

  it('takes the post of the event’s stage, else the stage before it', () => {
    const events = [{ stageCode: 'accept' }, { stageCode: 'survey' }, { stageCode: null }];
    expect(eventStageCode(events, 1)).toBe('survey');
    expect(eventStageCode(events, 2)).toBe('survey');
    expect(eventStageCode([{ stageCode: null }], 0)).toBeNull();
  });
});
