/** The gentle word before a report the utility probably has already: see your own, add yourself to it, or send it anyway. */
import { Dialog } from 'antd-mobile';
import type { PortalServiceDuplicate } from '../../api/types';
import { fill } from './PayMessages';
import { formatDateTime } from './PayParts';
import type { DeskText } from './ServiceDeskMessages';

export type DuplicateChoice = { kind: 'anyway' } | { kind: 'cancel' } | { kind: 'view'; requestId: string } | { kind: 'join'; requestId: string };

export function askAboutDuplicates(duplicates: PortalServiceDuplicate[], text: DeskText, language: string): Promise<DuplicateChoice> {
  const yours = duplicates.find((duplicate) => duplicate.isYours && duplicate.requestId);
  const joinable = duplicates.find((duplicate) => duplicate.canJoin && duplicate.joinId);
  return new Promise((resolve) => {
    Dialog.show({
      title: text.duplicateTitle,
      content: (
        <div data-testid="service-duplicate-dialog">
          {yours ? fill(text.duplicateYours, { time: formatDateTime(yours.createdAt, language), no: yours.requestNo ?? '' }) : text.duplicateOthers}
        </div>
      ),
      closeOnAction: true,
      onClose: () => resolve({ kind: 'cancel' }),
      actions: [
        ...(yours?.requestId ? [{ key: 'view', text: text.duplicateView, bold: true, onClick: () => resolve({ kind: 'view', requestId: yours.requestId as string }) }] : []),
        ...(!yours && joinable?.joinId ? [{ key: 'join', text: text.duplicateJoin, bold: true, onClick: () => resolve({ kind: 'join', requestId: joinable.joinId as string }) }] : []),
        { key: 'anyway', text: text.duplicateAnyway, onClick: () => resolve({ kind: 'anyway' }) },
        { key: 'cancel', text: text.duplicateCancel, onClick: () => resolve({ kind: 'cancel' }) },
      ],
    });
  });
}
