import { App, Col, DatePicker, Form, Input, InputNumber, Modal, Row, Select, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Meter, MeterInput, MeterStatus, Premise } from '../../api/types';
import { FormFooter } from '../components/FormFooter';
import { useSaveMeter } from '../hooks/customers';
import { applyFieldErrors, isStaleVersion } from '../utils/errors';
import { fromIsoDate, toIsoDate } from '../utils/format';

export const METER_SIZES = [15, 20, 25, 32, 40, 50, 65, 80, 100, 150, 200, 300];
const STATUSES: MeterStatus[] = ['in_stock', 'installed', 'removed', 'scrapped'];

interface Values {
  serialNo: string;
  premiseId?: string | null;
  model: string;
  sizeDn: number;
  isRemote: boolean;
  status: MeterStatus;
  installedOn?: Dayjs | null;
  firstVerifiedOn?: Dayjs | null;
  initialReadingLitres?: number | null;
}

interface Props {
  premises: Premise[];
  /** undefined: closed; null: a new meter; a meter: edit it. */
  meter: Meter | null | undefined;
  onClose: () => void;
  onReload: () => void;
}

export function MeterFormModal({ premises, meter, onClose, onReload }: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      open={meter !== undefined}
      title={meter ? t('meter.editTitle') : t('meter.createTitle')}
      footer={null}
      onCancel={onClose}
      destroyOnHidden
      width={640}
    >
      {meter !== undefined ? (
        <MeterForm key={meter?.version ?? 'new'} premises={premises} meter={meter} onClose={onClose} onReload={onReload} />
      ) : null}
    </Modal>
  );
}

function MeterForm({ premises, meter, onClose, onReload }: Omit<Props, 'meter'> & { meter: Meter | null }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveMeter();
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const submit = (values: Values) => {
    setUnmatched([]);
    const body: MeterInput = {
      serialNo: values.serialNo.trim(),
      premiseId: values.premiseId ?? null,
      model: values.model.trim(),
      sizeDn: values.sizeDn,
      isRemote: values.isRemote,
      status: values.status,
      installedOn: toIsoDate(values.installedOn),
      firstVerifiedOn: toIsoDate(values.firstVerifiedOn),
      initialReadingLitres: values.initialReadingLitres ?? 0,
    };
    save.mutate(
      { id: meter?.id, body: meter ? { ...body, version: meter.version } : body },
      {
        onSuccess: () => {
          void message.success(meter ? t('common.saved') : t('common.created'));
          onClose();
        },
        onError: (error) => {
          if (!isStaleVersion(error)) setUnmatched(applyFieldErrors(form, error, i18n.language));
        },
      },
    );
  };

  const initialValues: Partial<Values> = meter
    ? {
        serialNo: meter.serialNo,
        premiseId: meter.premiseId,
        model: meter.model,
        sizeDn: meter.sizeDn,
        isRemote: meter.isRemote,
        status: meter.status,
        installedOn: fromIsoDate(meter.installedOn),
        firstVerifiedOn: fromIsoDate(meter.firstVerifiedOn),
        initialReadingLitres: meter.initialReadingLitres,
      }
    : {
        premiseId: premises.length === 1 ? premises[0]?.id : undefined,
        sizeDn: 20,
        isRemote: true,
        status: 'installed',
        initialReadingLitres: 0,
      };

  return (
    <Form<Values> form={form} layout="vertical" onFinish={submit} initialValues={initialValues}>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item
            name="serialNo"
            label={t('meter.fields.serialNo')}
            rules={[{ required: true, whitespace: true, message: t('meter.serialRequired') }, { max: 40 }]}
          >
            <Input className="sw-code" autoComplete="off" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name="model"
            label={t('meter.fields.model')}
            rules={[{ required: true, whitespace: true, message: t('meter.modelRequired') }, { max: 60 }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="premiseId" label={t('meter.fields.premise')}>
        <Select
          allowClear
          placeholder={t('meter.noPremise')}
          options={premises.map((premise) => ({ value: premise.id, label: premise.fullAddress }))}
        />
      </Form.Item>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name="sizeDn" label={t('meter.fields.sizeDn')} rules={[{ required: true, message: t('meter.sizeRequired') }]}>
            <Select options={METER_SIZES.map((size) => ({ value: size, label: `DN${size}` }))} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="status" label={t('meter.fields.status')}>
            <Select options={STATUSES.map((value) => ({ value, label: t(`meter.status.${value}`) }))} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="isRemote" label={t('meter.fields.isRemote')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name="installedOn" label={t('meter.fields.installedOn')}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="firstVerifiedOn" label={t('meter.fields.firstVerifiedOn')} tooltip={t('meter.dueRule')}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="initialReadingLitres" label={t('meter.fields.initialReadingLitres')}>
            <InputNumber min={0} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <FormFooter error={save.error} unmatched={unmatched} saving={save.isPending} onCancel={onClose} onReload={onReload} />
    </Form>
  );
}
