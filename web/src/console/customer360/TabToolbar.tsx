import { PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

/** A short note on the left of a tab and its "add" button on the right. */
export function TabToolbar({ note, addLabel, onAdd }: { note?: ReactNode; addLabel?: string; onAdd?: () => void }) {
  if (!note && !onAdd) return null;
  return (
    <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {note}
      </Typography.Text>
      {onAdd ? (
        <Button type="primary" ghost icon={<PlusOutlined />} onClick={onAdd}>
          {addLabel}
        </Button>
      ) : null}
    </Flex>
  );
}
