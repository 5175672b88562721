/**
 * 公开业务办理流程 (no login): every application type of the utility with its stages, the post that handles
 * each, the time limit in working days and the documents asked for, from GET /api/public/processes. The
 * utility is the customer's own when signed in, else the one in the link (?tenant=) or chosen on this phone,
 * else the only one there is.
 */
import { useQuery } from '@tanstack/react-query';
import { Button, CapsuleTabs, Tag } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { fetchTenants, queryKeys } from '../api';
import { Page } from '../components/Page';
import { CardSkeleton, EmptyState, ErrorState } from '../components/states';
import { preferredTenant, useSession } from '../session';
import { applicationKeys, fetchProcesses, type ProcessType } from './ApplicationApi';
import { ProcessStages, useApplicationText } from './ApplicationParts';
import { fill } from './PayMessages';

function useTenantCode(): { code: string | null; isPending: boolean; error: unknown } {
  const session = useSession();
  const tenants = useQuery({ queryKey: queryKeys.tenants, queryFn: fetchTenants, staleTime: 10 * 60_000, enabled: !session.isPending && !session.data });
  if (session.isPending) return { code: null, isPending: true, error: null };
  if (session.data) return { code: session.data.tenant.code, isPending: false, error: null };
  if (tenants.isPending) return { code: null, isPending: true, error: null };
  if (tenants.isError) return { code: null, isPending: false, error: tenants.error };
  const wanted = preferredTenant();
  const found = tenants.data.find((tenant) => tenant.code === wanted) ?? (tenants.data.length === 1 ? tenants.data[0] : undefined);
  return { code: found?.code ?? null, isPending: false, error: null };
}

export function ProcessesPage(): ReactElement {
  const { text } = useApplicationText();
  const tenant = useTenantCode();
  const processes = useQuery({ queryKey: applicationKeys.processes(tenant.code ?? ''), queryFn: () => fetchProcesses(tenant.code ?? ''), enabled: tenant.code !== null, staleTime: 10 * 60_000 });

  let body: ReactElement;
  if (tenant.isPending || (tenant.code !== null && processes.isPending)) body = <CardSkeleton count={3} />;
  else if (tenant.error) body = <ErrorState error={tenant.error} />;
  else if (tenant.code === null) body = <EmptyState title={text.noUtility} />;
  else if (processes.isError) body = <ErrorState error={processes.error} onRetry={() => void processes.refetch()} />;
  else if (!processes.data || processes.data.processes.length === 0) body = <EmptyState title={text.processesTitle} />;
  else body = <Processes utility={processes.data.utility} processes={processes.data.processes} />;

  return (
    <Page title={text.processesTitle} back testId="processes-page">
      <div className="portal-content">{body}</div>
    </Page>
  );
}

function Processes({ utility, processes }: { utility: { name: string; hotline: string | null }; processes: ProcessType[] }): ReactElement {
  const { text, named } = useApplicationText();
  const [params, setParams] = useSearchParams();
  const chosen = processes.find((type) => type.code === params.get('type')) ?? (processes[0] as ProcessType);
  return (
    <>
      <p className="apl-intro">{fill(text.processesIntro, { utility: utility.name })}</p>
      {utility.hotline && (
        <p className="apl-hotline">
          {text.processesHotline} <a href={`tel:${utility.hotline.replace(/[^\d+]/g, '')}`}>{utility.hotline}</a>
        </p>
      )}
      <CapsuleTabs
        activeKey={chosen.code}
        onChange={(key) =>
          setParams(
            (current) => {
              const next = new URLSearchParams(current);
              next.set('type', key);
              return next;
            },
            { replace: true },
          )
        }
        className="apl-type-tabs"
      >
        {processes.map((type) => (
          <CapsuleTabs.Tab key={type.code} title={named(type)} />
        ))}
      </CapsuleTabs>
      <ProcessCard type={chosen} />
    </>
  );
}

function ProcessCard({ type }: { type: ProcessType }): ReactElement {
  const { text, named, bilingual, isEnglish } = useApplicationText();
  const navigate = useNavigate();
  const session = useSession();
  return (
    <section className="portal-card apl-process" data-testid="process-card" data-type={type.code}>
      <div className="apl-process-head">
        <h2 className="apl-process-title">{named(type)}</h2>
        {type.acceptanceFeeFen === 0 && (
          <Tag color="success" fill="outline">
            {text.processFree}
          </Tag>
        )}
      </div>
      <p className="apl-process-description">{isEnglish ? type.descriptionEn : type.description}</p>
      <p className="apl-process-total" data-testid="process-total">
        {fill(text.processTotal, { days: type.totalDays })}
      </p>
      <h3 className="apl-subtitle">{text.stages}</h3>
      <ProcessStages stages={type.stages} />
      <h3 className="apl-subtitle">{text.materials}</h3>
      <ul className="apl-materials">
        {type.materials.map((material) => (
          <li key={material.code} data-testid="process-material">
            <span>{named(material)}</span>
            <Tag color={material.isRequired ? 'primary' : 'default'} fill="outline">
              {material.isRequired ? text.required : text.optional}
            </Tag>
          </li>
        ))}
      </ul>
      {type.rules.length > 0 && (
        <>
          <h3 className="apl-subtitle">{text.rules}</h3>
          <ul className="apl-rules">
            {type.rules.map((rule) => (
              <li key={`${rule.kind}-${rule.stageCodes.join('-')}`}>{bilingual(rule.description)}</li>
            ))}
          </ul>
        </>
      )}
      <Button block color="primary" className="apl-process-apply" onClick={() => void navigate(`/applications/new/${encodeURIComponent(type.code)}`)} data-testid="process-apply">
        {session.data ? text.applyThis : text.loginToApply}
      </Button>
    </section>
  );
}
