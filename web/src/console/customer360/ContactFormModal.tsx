import { App, Form, Input, Modal, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact, ContactInput } from '../../api/types';
import { FormFooter } from '../components/FormFooter';
import { useSaveContact } from '../hooks/customers';
import { applyFieldErrors } from '../utils/errors';
import { MOBILE_PHONE } from '../utils/validators';

interface Values {
  name: string;
  relation: string;
  phone?: string;
  isPrimary: boolean;
}

interface Props {
  customerId: string;
  /** undefined: closed; null: a new contact; a contact: edit it. */
  contact: Contact | null | undefined;
  onClose: () => void;
}

export function ContactFormModal({ customerId, contact, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Modal
      open={contact !== undefined}
      title={contact ? t('contact.editTitle') : t('contact.createTitle')}
      footer={null}
      onCancel={onClose}
      destroyOnHidden
    >
      {contact !== undefined ? <ContactForm customerId={customerId} contact={contact} onClose={onClose} /> : null}
    </Modal>
  );
}

function ContactForm({ customerId, contact, onClose }: { customerId: string; contact: Contact | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveContact(customerId);
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const submit = (values: Values) => {
    setUnmatched([]);
    const body: Partial<ContactInput> = {
      name: values.name.trim(),
      relation: values.relation.trim(),
      isPrimary: values.isPrimary,
    };
    const phone = values.phone?.trim();
    if (phone) body.phone = phone;
    save.mutate(
      { id: contact?.id, body },
      {
        onSuccess: () => {
          void message.success(contact ? t('common.saved') : t('common.created'));
          onClose();
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
      },
    );
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={submit}
      initialValues={contact ? { name: contact.name, relation: contact.relation, isPrimary: contact.isPrimary } : { isPrimary: false }}
    >
      <Form.Item
        name="name"
        label={t('contact.fields.name')}
        rules={[{ required: true, whitespace: true, message: t('contact.nameRequired') }, { max: 50 }]}
      >
        <Input autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="relation"
        label={t('contact.fields.relation')}
        rules={[{ required: true, whitespace: true, message: t('contact.relationRequired') }, { max: 30 }]}
      >
        <Input placeholder={t('contact.relationPlaceholder')} autoComplete="off" />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t('contact.fields.phone')}
        extra={contact ? t('common.currentValue', { value: contact.phoneMasked }) : undefined}
        rules={[
          { required: !contact, message: t('contact.phoneRequired') },
          { pattern: MOBILE_PHONE, message: t('customer.validation.phone') },
        ]}
      >
        <Input inputMode="numeric" maxLength={11} autoComplete="off" placeholder={contact ? t('common.leaveEmptyToKeep') : undefined} />
      </Form.Item>
      <Form.Item name="isPrimary" label={t('contact.fields.isPrimary')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <FormFooter error={save.error} unmatched={unmatched} saving={save.isPending} onCancel={onClose} />
    </Form>
  );
}
