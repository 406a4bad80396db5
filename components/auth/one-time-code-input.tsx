import { cn } from "@/components/ui/cn";
import { Input, type InputProps } from "@/components/ui/input";

/**
 * A code from an authenticator app, with the one-time-code autofill. Where a
 * recovery code is accepted too (`recovery`), the keyboard is the full one —
 * a phone's number pad cannot type its letters; otherwise the number pad.
 */
export function OneTimeCodeInput({
  className,
  recovery = false,
  ...props
}: Omit<InputProps, "type"> & { recovery?: boolean }) {
  return (
    <Input
      type="text"
      autoComplete="one-time-code"
      inputMode={recovery ? "text" : "numeric"}
      autoCapitalize="none"
      autoCorrect="off"
      spellCheck={false}
      maxLength={20}
      className={cn("font-mono tracking-wider placeholder:font-sans placeholder:tracking-normal", className)}
      {...props}
    />
  );
}

/** What an app shows as "123 456" is sent as "123456" (recovery codes are read without spaces too). */
export const withoutSpaces = (code: string) => code.replace(/\s/g, "");
