import { App, Col, Form, Input, Modal, Row, Select, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountCategory, WaterCategory } from '../../api/types';
import { FormFooter } from '../components/FormFooter';
import { applyFieldErrors } from '../utils/errors';
import { useSaveCategory } from './hooks';

const CLASSES: AccountCategory[] = ['residential', 'non_residential', 'special'];

interface Values {
  code?: string;
  name: string;
  nameEn: string;
  accountClass?: AccountCategory;
  isDefaultForClass: boolean;
  isActive: boolean;
}

interface Props {
  /** undefined: closed; null: a new category; a category: edit it. */
  category: WaterCategory | null | undefined;
  onClose: () => void;
}

export function CategoryFormModal({ category, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Modal open={category !== undefined} title={category ? t('tariff.category.editTitle') : t('tariff.category.createTitle')} footer={null} onCancel={onClose} destroyOnHidden width={600}>
      {category !== undefined ? <CategoryForm category={category} onClose={onClose} /> : null}
    </Modal>
  );
}

function CategoryForm({ category, onClose }: { category: WaterCategory | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveCategory();
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const submit = (values: Values) => {
    setUnmatched([]);
    const body = category
      ? { name: values.name, nameEn: values.nameEn, isDefaultForClass: values.isDefaultForClass, isActive: values.isActive }
      : { code: values.code?.trim() ?? '', name: values.name, nameEn: values.nameEn, accountClass: values.accountClass ?? 'residential', isDefaultForClass: values.isDefaultForClass };
    save.mutate(
      { id: category?.id, body },
      {
        onSuccess: () => {
          void message.success(category ? t('common.saved') : t('common.created'));
          onClose();
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
      },
    );
  };

  const initialValues: Partial<Values> = category
    ? { name: category.name, nameEn: category.nameEn, isDefaultForClass: category.isDefaultForClass, isActive: category.isActive }
    : { accountClass: 'residential', isDefaultForClass: false, isActive: true };

  return (
    <Form<Values> form={form} layout="vertical" initialValues={initialValues} onFinish={submit}>
      <Row gutter={12}>
        <Col span={12}>
          {category ? (
            <Form.Item label={t('tariff.category.code')}>
              <Input value={category.code} disabled className="sw-code" />
            </Form.Item>
          ) : (
            <Form.Item
              name="code"
              label={t('tariff.category.code')}
              extra={t('tariff.category.codeHint')}
              normalize={(value: string) => value.toUpperCase()}
              rules={[
                { required: true, message: t('tariff.category.codeRequired') },
                { pattern: /^[A-Z][A-Z0-9_]{1,19}$/, message: t('tariff.category.codeFormat') },
              ]}
            >
              <Input maxLength={20} className="sw-code" placeholder="RES" />
            </Form.Item>
          )}
        </Col>
        <Col span={12}>
          {category ? (
            <Form.Item label={t('tariff.category.accountClass')}>
              <Input value={t(`tariff.accountClass.${category.accountClass}`)} disabled />
            </Form.Item>
          ) : (
            <Form.Item name="accountClass" label={t('tariff.category.accountClass')} extra={t('tariff.category.accountClassHint')} rules={[{ required: true }]}>
              <Select options={CLASSES.map((value) => ({ value, label: t(`tariff.accountClass.${value}`) }))} />
            </Form.Item>
          )}
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="name" label={t('tariff.category.name')} rules={[{ required: true, whitespace: true, message: t('tariff.category.nameRequired') }]}>
            <Input maxLength={50} placeholder="居民生活用水" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="nameEn" label={t('tariff.category.nameEn')} rules={[{ required: true, whitespace: true, message: t('tariff.category.nameEnRequired') }]}>
            <Input maxLength={100} placeholder="Residential" />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name="isDefaultForClass" label={t('tariff.category.isDefault')} valuePropName="checked" extra={t('tariff.category.isDefaultHint')}>
            <Switch disabled={Boolean(category?.isDefaultForClass)} />
          </Form.Item>
        </Col>
        {category ? (
          <Col span={12}>
            <Form.Item name="isActive" label={t('tariff.category.isActive')} valuePropName="checked">
              <Switch disabled={category.isDefaultForClass} />
            </Form.Item>
          </Col>
        ) : null}
      </Row>
      <FormFooter error={save.error} unmatched={unmatched} saving={save.isPending} onCancel={onClose} />
    </Form>
  );
}
