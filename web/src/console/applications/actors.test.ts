import { describe, expect, it } from 'vitest';
import { describeActor, eventStageCode } from './actors';

const words = { applicant: (phone: string) => `申请人 ${phone}`, withPost: (name: string, post: string) => `${name}（${post}）` };

describe('who did a step of an application', () => {
  it('names a staff member with the post, the applicant by the masked phone, the system by its name', () => {
    expect(describeActor({ kind: 'staff', name: '王芳' }, '综合窗口', words)).toBe('王芳（综合窗口）');
    expect(describeActor({ kind: 'applicant', name: '139****5678' }, '综合窗口', words)).toBe('申请人 139****5678');
    expect(describeActor({ kind: 'system', name: 'system' }, '综合窗口', words)).toBe('system');
  });

  it('does not give the post twice, nor one the step had none of', () => {
    expect(describeActor({ kind: 'staff', name: '王丽（综合窗口）' }, '综合窗口', words)).toBe('王丽（综合窗口）');
    expect(describeActor({ kind: 'staff', name: 'Li Lei' }, null, words)).toBe('Li Lei');
  });

  it('takes the post of the event’s stage, else the stage before it', () => {
    const events = [{ stageCode: 'accept' }, { stageCode: 'survey' }, { stageCode: null }];
    expect(eventStageCode(events, 1)).toBe('survey');
    expect(eventStageCode(events, 2)).toBe('survey');
    expect(eventStageCode([{ stageCode: null }], 0)).toBeNull();
  });
});
