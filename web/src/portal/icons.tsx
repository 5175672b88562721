/** The few line icons the portal needs, drawn inline so that no icon package is required. */
import type { ReactElement, SVGProps } from 'react';

type IconProps = Omit<SVGProps<SVGSVGElement>, 'children'>;

function Icon({ shape, ...props }: IconProps & { shape: ReactElement }): ReactElement {
  return (
    <svg
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      {shape}
    </svg>
  );
}

export const HomeIcon = (props: IconProps) => (
  <Icon {...props} shape={<path d="M3 10.5 12 3l9 7.5V20a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z" />} />
);
export const UserIcon = (props: IconProps) => (
  <Icon
    {...props}
    shape={
      <>
        <circle cx="12" cy="8" r="4" />
        <path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" />
      </>
    }
  />
);
export const PlusIcon = (props: IconProps) => <Icon {...props} shape={<path d="M12 5v14M5 12h14" />} />;
export const DropIcon = (props: IconProps) => (
  <Icon {...props} shape={<path d="M12 2.8s-6.5 7.2-6.5 11.7a6.5 6.5 0 0 0 13 0C18.5 10 12 2.8 12 2.8z" />} />
);
export const PhoneIcon = (props: IconProps) => (
  <Icon
    {...props}
    shape={
      <path d="M5 3h3.5l1.8 4.5-2.3 1.4a11 11 0 0 0 5.1 5.1l1.4-2.3L19 13.5V17a2 2 0 0 1-2.2 2A15.8 15.8 0 0 1 3 5.2 2 2 0 0 1 5 3z" />
    }
  />
);
export const PinIcon = (props: IconProps) => (
  <Icon
    {...props}
    shape={
      <>
        <path d="M12 21s-7-6.1-7-11.5a7 7 0 0 1 14 0C19 14.9 12 21 12 21z" />
        <circle cx="12" cy="9.5" r="2.5" />
      </>
    }
  />
);
export const GlobeIcon = (props: IconProps) => (
  <Icon
    {...props}
    shape={
      <>
        <circle cx="12" cy="12" r="9" />
        <path d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z" />
      </>
    }
  />
);
export const ShieldIcon = (props: IconProps) => (
  <Icon {...props} shape={<path d="M12 3 4.5 6v5.5c0 4.6 3.2 8.3 7.5 9.5 4.3-1.2 7.5-4.9 7.5-9.5V6z" />} />
);
export const BuildingIcon = (props: IconProps) => (
  <Icon
    {...props}
    shape={
      <>
        <path d="M4 21V5a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v16M15 9h4a1 1 0 0 1 1 1v11M3 21h18" />
        <path d="M8 8h3M8 12h3M8 16h3" />
      </>
    }
  />
);
export const MeterIcon = (props: IconProps) => (
  <Icon
    {...props}
    shape={
      <>
        <circle cx="12" cy="12" r="8.5" />
        <path d="M12 12l3.5-3.5M7.5 14.5h9" />
      </>
    }
  />
);
export const BackIcon = (props: IconProps) => <Icon {...props} shape={<path d="M15 5l-7 7 7 7" />} />;
