/** A small set of 16px stroke icons, drawn to match each other; decorative unless labelled. */
type IconProps = React.SVGProps<SVGSVGElement>;

function Icon({ children, className = "size-4", ...props }: IconProps) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      {...props}
    >
      {children}
    </svg>
  );
}

export const PlusIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M8 3.25v9.5M3.25 8h9.5" />
  </Icon>
);
export const ChevronDownIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="m4 6 4 4 4-4" />
  </Icon>
);
export const ChevronRightIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="m6 4 4 4-4 4" />
  </Icon>
);
export const UsersIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M10.75 13.25v-.75a2.75 2.75 0 0 0-2.75-2.75H4.5a2.75 2.75 0 0 0-2.75 2.75v.75M6.25 7.25a2.25 2.25 0 1 0 0-4.5 2.25 2.25 0 0 0 0 4.5ZM14.25 13.25v-.75a2.75 2.75 0 0 0-2-2.64M10.25 2.85a2.25 2.25 0 0 1 0 4.3" />
  </Icon>
);
export const SettingsIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z" />
    <path d="M6.6 1.75h2.8l.4 1.73 1.1.63 1.7-.52 1.4 2.42-1.3 1.22v1.27l1.3 1.22-1.4 2.42-1.7-.52-1.1.63-.4 1.73H6.6l-.4-1.73-1.1-.63-1.7.52-1.4-2.42 1.3-1.22V7.23L2 6.01l1.4-2.42 1.7.52 1.1-.63.4-1.73Z" />
  </Icon>
);
export const LogOutIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M6.25 13.75H3.5a1.25 1.25 0 0 1-1.25-1.25v-9A1.25 1.25 0 0 1 3.5 2.25h2.75M10.5 11.25 13.75 8 10.5 4.75M13.75 8h-7.5" />
  </Icon>
);
export const SearchIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M7.25 12.25a5 5 0 1 0 0-10 5 5 0 0 0 0 10ZM13.75 13.75l-3-3" />
  </Icon>
);
export const FolderIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M1.75 4.5A1.25 1.25 0 0 1 3 3.25h3l1.5 1.5H13a1.25 1.25 0 0 1 1.25 1.25v5.5A1.25 1.25 0 0 1 13 12.75H3a1.25 1.25 0 0 1-1.25-1.25v-7Z" />
  </Icon>
);
export const ShieldIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M8 14.25s5.25-2.5 5.25-6.25V3.5L8 1.75 2.75 3.5V8c0 3.75 5.25 6.25 5.25 6.25Z" />
  </Icon>
);
export const ArchiveIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M13.25 5.25v7.5a1 1 0 0 1-1 1h-8.5a1 1 0 0 1-1-1v-7.5M1.75 2.25h12.5v3H1.75v-3ZM6.5 8.25h3" />
  </Icon>
);
export const TrashIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M2.75 4.25h10.5M6.25 4.25V2.75h3.5v1.5M4.25 4.25l.6 8.6a1 1 0 0 0 1 .9h4.3a1 1 0 0 0 1-.9l.6-8.6" />
  </Icon>
);
export const ClockIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M8 14.25a6.25 6.25 0 1 0 0-12.5 6.25 6.25 0 0 0 0 12.5Z" />
    <path d="M8 4.75V8l2 1.25" />
  </Icon>
);
export const ListIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M5.75 4h7.5M5.75 8h7.5M5.75 12h7.5M2.75 4h.01M2.75 8h.01M2.75 12h.01" />
  </Icon>
);
export const ArrowLeftIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M12.75 8h-9.5M7.5 3.75 3.25 8l4.25 4.25" />
  </Icon>
);
export const UserPlusIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M10.25 13.25v-.75A2.75 2.75 0 0 0 7.5 9.75H4.5a2.75 2.75 0 0 0-2.75 2.75v.75M6 7.25a2.25 2.25 0 1 0 0-4.5 2.25 2.25 0 0 0 0 4.5ZM12.75 5.25v4M10.75 7.25h4" />
  </Icon>
);
export const MailIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M2.75 4.25h10.5v7.5H2.75zM2.75 4.75 8 8.75l5.25-4" />
  </Icon>
);
export const GlobeIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M14.25 8a6.25 6.25 0 1 1-12.5 0 6.25 6.25 0 0 1 12.5 0ZM1.75 8h12.5M8 1.75c1.6 1.7 2.4 3.78 2.4 6.25S9.6 12.55 8 14.25C6.4 12.55 5.6 10.47 5.6 8S6.4 3.45 8 1.75Z" />
  </Icon>
);
export const LockIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M4.25 7.25V5a3.75 3.75 0 0 1 7.5 0v2.25M3.5 7.25h9a1 1 0 0 1 1 1v5a1 1 0 0 1-1 1h-9a1 1 0 0 1-1-1v-5a1 1 0 0 1 1-1Z" />
  </Icon>
);
export const EyeIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M1.75 8S4 3.75 8 3.75 14.25 8 14.25 8 12 12.25 8 12.25 1.75 8 1.75 8Z" />
    <path d="M8 9.75a1.75 1.75 0 1 0 0-3.5 1.75 1.75 0 0 0 0 3.5Z" />
  </Icon>
);
export const EyeOffIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M6.6 3.9A6.2 6.2 0 0 1 8 3.75c4 0 6.25 4.25 6.25 4.25a11 11 0 0 1-1.6 2.15M4.1 4.85A10.6 10.6 0 0 0 1.75 8S4 12.25 8 12.25a6 6 0 0 0 3.1-.85M6.8 6.8a1.75 1.75 0 0 0 2.4 2.4M2 2l12 12" />
  </Icon>
);

export function GitHubMark({ className = "size-4" }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className={className} fill="currentColor">
      <path d="M8 0C3.58 0 0 3.58 0 8c0 3.54 2.29 6.53 5.47 7.59.4.07.55-.17.55-.38 0-.19-.01-.82-.01-1.49-2.01.37-2.53-.49-2.69-.94-.09-.23-.48-.94-.82-1.13-.28-.15-.68-.52-.01-.53.63-.01 1.08.58 1.23.82.72 1.21 1.87.87 2.33.66.07-.52.28-.87.51-1.07-1.78-.2-3.64-.89-3.64-3.95 0-.87.31-1.59.82-2.15-.08-.2-.36-1.02.08-2.12 0 0 .67-.21 2.2.82.64-.18 1.32-.27 2-.27.68 0 1.36.09 2 .27 1.53-1.04 2.2-.82 2.2-.82.44 1.1.16 1.92.08 2.12.51.56.82 1.27.82 2.15 0 3.07-1.87 3.75-3.65 3.95.29.25.54.73.54 1.48 0 1.07-.01 1.93-.01 2.2 0 .21.15.46.55.38A8.013 8.013 0 0 0 16 8c0-4.42-3.58-8-8-8Z" />
    </svg>
  );
}

export function GoogleMark({ className = "size-4" }: { className?: string }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className={className}>
      <path
        fill="#4285F4"
        d="M15.68 8.18c0-.57-.05-1.11-.15-1.64H8v3.1h4.3a3.68 3.68 0 0 1-1.6 2.41v2h2.59c1.51-1.4 2.39-3.45 2.39-5.87Z"
      />
      <path
        fill="#34A853"
        d="M8 16c2.16 0 3.97-.72 5.29-1.94l-2.59-2a4.8 4.8 0 0 1-7.15-2.52H.88v2.07A8 8 0 0 0 8 16Z"
      />
      <path fill="#FBBC05" d="M3.55 9.54a4.8 4.8 0 0 1 0-3.08V4.39H.88a8 8 0 0 0 0 7.22l2.67-2.07Z" />
      <path
        fill="#EA4335"
        d="M8 3.18c1.22 0 2.31.42 3.17 1.24l2.3-2.3A8 8 0 0 0 .88 4.39l2.67 2.07A4.77 4.77 0 0 1 8 3.18Z"
      />
    </svg>
  );
}
export const PhoneIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M5 1.75h6a1 1 0 0 1 1 1v10.5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V2.75a1 1 0 0 1 1-1ZM7 12h2" />
  </Icon>
);
export const KeyIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M10.25 9.25a3.5 3.5 0 1 0-3.32-2.4L2 11.75v2.25h2.25v-1.5h1.5V11h1.5l1.23-1.23c.55.31 1.18.48 1.77.48ZM11 5h.01" />
  </Icon>
);

export const KeyboardIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="1.75" y="4" width="12.5" height="8" rx="1.5" />
    <path d="M4.5 6.75h.01M7 6.75h.01M9.5 6.75h.01M12 6.75h.01M5 9.5h6" />
  </Icon>
);
