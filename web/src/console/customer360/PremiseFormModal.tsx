import { App, Form, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BuildingType, Premise } from '../../api/types';
import { FormFooter } from '../components/FormFooter';
import { useUpdatePremise } from '../hooks/customers';
import { applyFieldErrors, isStaleVersion } from '../utils/errors';
import { PremiseFields } from './PremiseFields';

interface Values {
  district: string;
  street: string;
  address: string;
  buildingType: BuildingType;
}

interface Props {
  premise: Premise | null;
  onClose: () => void;
  onReload: () => void;
}

/** Corrects the address of premises (PATCH /api/premises/:id with the version it was read at). */
export function PremiseFormModal({ premise, onClose, onReload }: Props) {
  const { t } = useTranslation();
  return (
    <Modal open={premise !== null} title={t('premise.editTitle')} footer={null} onCancel={onClose} destroyOnHidden width={600}>
      {premise ? <PremiseForm key={premise.version} premise={premise} onClose={onClose} onReload={onReload} /> : null}
    </Modal>
  );
}

function PremiseForm({ premise, onClose, onReload }: { premise: Premise; onClose: () => void; onReload: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const update = useUpdatePremise();
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const submit = (values: Values) => {
    setUnmatched([]);
    update.mutate(
      {
        id: premise.id,
        body: {
          version: premise.version,
          district: values.district,
          street: values.street,
          address: values.address.trim(),
          buildingType: values.buildingType,
        },
      },
      {
        onSuccess: () => {
          void message.success(t('common.saved'));
          onClose();
        },
        onError: (error) => {
          if (!isStaleVersion(error)) setUnmatched(applyFieldErrors(form, error, i18n.language));
        },
      },
    );
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={submit}
      initialValues={{
        district: premise.district,
        street: premise.street,
        address: premise.address,
        buildingType: premise.buildingType,
      }}
    >
      <PremiseFields />
      <FormFooter error={update.error} unmatched={unmatched} saving={update.isPending} onCancel={onClose} onReload={onReload} />
    </Form>
  );
}
