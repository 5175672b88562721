import { App, Button, Card, Flex, Form, InputNumber, Select, Space, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { TenantSettings } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { applyFieldErrors } from '../utils/errors';
import { fenToYuanInput } from '../payments/money';
import { parseYuan } from '../../shared/money';
import { CalendarSettingsCard } from './CalendarSettingsCard';

type Values = Pick<TenantSettings, 'reading' | 'collection' | 'serviceDesk' | 'calendar'> & {
  /** The test fee is typed in yuan (a string, so that no float comes near the fen). */
  calibration: { testFeeYuan: string; rebillMonths: number };
};

const toPatch = ({ calibration, ...values }: Values) => ({ ...values, calibration: { testFeeFen: parseYuan(calibration.testFeeYuan) ?? 0, rebillMonths: calibration.rebillMonths } });

/** 参数设置: the utility's own rules, for the administrator. */
export function SettingsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const query = useQuery({ queryKey: ['settings'], queryFn: () => api.get<TenantSettings>('/api/settings') });
  const save = useMutation({
    mutationFn: (values: Values) => api.patch<TenantSettings>('/api/settings', { version: query.data?.version, ...toPatch(values) }),
    onSuccess: (saved) => {
      queryClient.setQueryData(['settings'], saved);
      void message.success(t('settings.saved'));
    },
    onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
  });
  useEffect(() => {
    if (query.data)
      form.setFieldsValue({
        reading: query.data.reading,
        collection: query.data.collection,
        serviceDesk: query.data.serviceDesk,
        calendar: query.data.calendar,
        calibration: { testFeeYuan: fenToYuanInput(query.data.calibration.testFeeFen), rebillMonths: query.data.calibration.rebillMonths },
      });
  }, [form, query.data]);

  if (query.isPending) return <PageLoading />;
  if (query.isError) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  const settings = query.data;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%', maxWidth: 760 }}>
      <div>
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {t('settings.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('settings.subtitle')}</Typography.Text>
      </div>
      <Form form={form} layout="vertical" onFinish={(values) => save.mutate(values)} disabled={save.isPending}>
        <Card title={t('settings.reading.title')}>
          <Form.Item name={['reading', 'rotationTermMonths']} label={t('settings.reading.rotationTermMonths')} extra={t('settings.reading.rotationTermMonthsHelp')} rules={[{ required: true }]}>
            <InputNumber min={1} max={60} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name={['reading', 'rotationNoticeDays']} label={t('settings.reading.rotationNoticeDays')} extra={t('settings.reading.rotationNoticeDaysHelp')} rules={[{ required: true }]}>
            <InputNumber min={0} max={180} precision={0} style={{ width: 160 }} />
          </Form.Item>
        </Card>
        <Card title={t('settings.collection.title')} style={{ marginTop: 16 }}>
          <Form.Item name={['collection', 'lateFeeDailyRate']} label={t('settings.collection.lateFeeDailyRate')} extra={t('settings.collection.lateFeeDailyRateHelp')} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} precision={0} addonAfter="‱" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name={['collection', 'lateFeeGraceDays']} label={t('settings.collection.lateFeeGraceDays')} rules={[{ required: true }]}>
            <InputNumber min={0} max={365} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name={['collection', 'lateFeeCapPercent']} label={t('settings.collection.lateFeeCapPercent')} extra={t('settings.collection.lateFeeCapPercentHelp')} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} precision={0} addonAfter="%" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name={['collection', 'lateFeeOnResidential']} label={t('settings.collection.lateFeeOnResidential')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Form.Item
            name={['collection', 'dunningScheduleDays']}
            label={t('settings.collection.dunningScheduleDays')}
            extra={t('settings.collection.dunningScheduleDaysHelp')}
            rules={[{ required: true }]}
            normalize={(values: (string | number)[]) => [...new Set(values.map(Number).filter((day) => Number.isInteger(day) && day >= 0))].sort((a, b) => a - b)}
          >
            <Select mode="tags" style={{ maxWidth: 360 }} tokenSeparators={[',', '，', ' ']} />
          </Form.Item>
          <Form.Item name={['collection', 'cutoffNoticeHours']} label={t('settings.collection.cutoffNoticeHours')} rules={[{ required: true }]}>
            <InputNumber min={24} max={720} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name={['collection', 'reconnectionHours']} label={t('settings.collection.reconnectionHours')} rules={[{ required: true }]}>
            <InputNumber min={1} max={168} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name={['collection', 'withholdingResultDays']} label={t('settings.collection.withholdingResultDays')} extra={t('settings.collection.withholdingResultDaysHelp')} rules={[{ required: true }]}>
            <InputNumber min={1} max={90} precision={0} style={{ width: 160 }} data-testid="settings-withholding-days" />
          </Form.Item>
        </Card>
        <Card title={t('settings.serviceDesk.title')} style={{ marginTop: 16 }}>
          <Form.Item name={['serviceDesk', 'callbackMinutes']} label={t('settings.serviceDesk.callbackMinutes')} rules={[{ required: true }]}>
            <InputNumber min={5} max={1440} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name={['serviceDesk', 'followUpInquiryPercent']} label={t('settings.serviceDesk.followUpInquiryPercent')} extra={t('settings.serviceDesk.followUpInquiryPercentHelp')} rules={[{ required: true }]}>
            <InputNumber min={0} max={100} precision={0} addonAfter="%" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name={['serviceDesk', 'followUpDueHours']} label={t('settings.serviceDesk.followUpDueHours')} rules={[{ required: true }]}>
            <InputNumber min={1} max={720} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name={['serviceDesk', 'ratingLinkHours']} label={t('settings.serviceDesk.ratingLinkHours')} extra={t('settings.serviceDesk.ratingLinkHoursHelp')} rules={[{ required: true }]}>
            <InputNumber min={1} max={720} precision={0} style={{ width: 160 }} />
          </Form.Item>
        </Card>
        <Card title={t('settings.calibration.title')} style={{ marginTop: 16 }}>
          <Form.Item
            name={['calibration', 'testFeeYuan']}
            label={t('settings.calibration.testFee')}
            extra={t('settings.calibration.testFeeHelp')}
            rules={[{ required: true }, { validator: (_, value: string) => (parseYuan(String(value ?? '')) === null ? Promise.reject(new Error(t('settings.calibration.testFeeInvalid'))) : Promise.resolve()) }]}
          >
            <InputNumber<string> stringMode min="0" max="10000" step="1" precision={2} addonAfter="元" style={{ width: 180 }} data-testid="settings-calibration-fee" />
          </Form.Item>
          <Form.Item name={['calibration', 'rebillMonths']} label={t('settings.calibration.rebillMonths')} extra={t('settings.calibration.rebillMonthsHelp')} rules={[{ required: true }]}>
            <InputNumber min={1} max={24} precision={0} style={{ width: 160 }} />
          </Form.Item>
        </Card>
        <CalendarSettingsCard />
        <div style={{ marginTop: 16 }}>
          <MutationErrorAlert error={save.error} unmatched={unmatched} onReload={() => void query.refetch()} />
          <Flex justify="space-between" align="center" gap={8}>
            <Typography.Text type="secondary">
              {settings.updatedBy ? t('settings.updated', { version: settings.version, by: settings.updatedBy, time: new Date(settings.updatedAt).toLocaleString(i18n.language) }) : t('settings.neverUpdated')}
            </Typography.Text>
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {t('settings.save')}
            </Button>
          </Flex>
        </div>
      </Form>
    </Space>
  );
}
