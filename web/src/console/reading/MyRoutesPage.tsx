import { RightOutlined } from '@ant-design/icons';
import { Card, Empty, Flex, Progress, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { useMyRoutes } from './api';

/** The reader's routes for today, with this month's progress; a tap opens the entry page. */
export function MyRoutesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const routes = useMyRoutes();
  if (routes.isPending) return <PageLoading />;
  if (routes.isError) return <QueryError compact error={routes.error} onRetry={() => void routes.refetch()} />;
  return (
    <div data-testid="my-routes-page">
      <Typography.Title level={4} style={{ margin: '4px 0 12px' }}>
        {t('reading.mine.title')}
      </Typography.Title>
      {routes.data.length === 0 && <Empty description={t('reading.mine.empty')} />}
      {routes.data.map(({ route, period, total, done }) => (
        <Card key={route.id} hoverable style={{ marginBottom: 12 }} onClick={() => void navigate(`/reading/routes/${route.id}/entry`)} data-testid="my-route">
          <Flex justify="space-between" align="center" gap={8}>
            <div style={{ minWidth: 0 }}>
              <Typography.Text strong>{route.name}</Typography.Text>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {route.code} · {t('reading.mine.period', { period })} · {t('reading.routes.readingDayValue', { day: route.readingDay })}
                </Typography.Text>
              </div>
            </div>
            <RightOutlined />
          </Flex>
          <Flex align="center" gap={8} style={{ marginTop: 8 }}>
            <Progress percent={total ? Math.round((done / total) * 100) : 0} showInfo={false} size="small" style={{ flex: 1, margin: 0 }} />
            <Tag color={done === total && total > 0 ? 'green' : 'blue'} style={{ marginInlineEnd: 0 }}>
              {t('reading.mine.progress', { done, total })}
            </Tag>
          </Flex>
        </Card>
      ))}
    </div>
  );
}
