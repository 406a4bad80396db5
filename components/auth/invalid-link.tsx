import { AuthCard } from "./auth-card";

/**
 * An emailed link that was used, has expired, or was never one of ours —
 * one answer for all of them. `children` offer the way to a fresh link.
 */
export function InvalidLink({
  description,
  children,
  footer,
  titleRef,
}: {
  description: string;
  children: React.ReactNode;
  footer?: React.ReactNode;
  titleRef?: React.Ref<HTMLHeadingElement>;
}) {
  return (
    <AuthCard title="This link is not valid any more" description={description} footer={footer} titleRef={titleRef}>
      {children}
    </AuthCard>
  );
}
