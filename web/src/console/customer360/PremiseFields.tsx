import { Alert, Col, Form, Input, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BuildingType } from '../../api/types';
import { useDistricts } from '../hooks/customers';

export const BUILDING_TYPES: BuildingType[] = ['residential', 'commercial', 'industrial', 'public', 'unmanaged'];

/**
 * District and street chosen from the utility's list (GET /api/districts), the rest of the address typed in.
 * `prefix` nests the fields in a bigger form (e.g. ['premise'] in the new-account form).
 */
export function PremiseFields({ prefix = [] }: { prefix?: string[] }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const districts = useDistricts();
  const district = Form.useWatch([...prefix, 'district'], form) as string | undefined;
  const streets = districts.data?.find((entry) => entry.name === district)?.streets ?? [];

  return (
    <>
      {districts.isError ? (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('premise.districtsFailed')} />
      ) : null}
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item
            name={[...prefix, 'district']}
            label={t('premise.fields.district')}
            rules={[{ required: true, message: t('premise.districtRequired') }]}
          >
            <Select
              showSearch
              loading={districts.isPending}
              options={(districts.data ?? []).map((entry) => ({ value: entry.name, label: entry.name }))}
              onChange={() => form.setFieldValue([...prefix, 'street'], undefined)}
              data-testid="premise-district"
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name={[...prefix, 'street']}
            label={t('premise.fields.street')}
            rules={[{ required: true, message: t('premise.streetRequired') }]}
          >
            <Select
              showSearch
              disabled={!district}
              options={streets.map((street) => ({ value: street, label: street }))}
              data-testid="premise-street"
            />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name={[...prefix, 'address']}
        label={t('premise.fields.address')}
        rules={[
          { required: true, whitespace: true, message: t('premise.addressRequired') },
          { max: 200 },
        ]}
      >
        <Input placeholder={t('premise.addressPlaceholder')} autoComplete="off" data-testid="premise-address" />
      </Form.Item>
      <Form.Item name={[...prefix, 'buildingType']} label={t('premise.fields.buildingType')}>
        <Select options={BUILDING_TYPES.map((type) => ({ value: type, label: t(`premise.buildingType.${type}`) }))} />
      </Form.Item>
    </>
  );
}
