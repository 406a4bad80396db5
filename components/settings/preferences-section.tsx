"use client";
import { useMutation } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";

import { useTimeFormats } from "@/components/local-time";
import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/lib/trpc/react";

/** Every zone this browser knows, the saved one included even if it does not. */
function zones(saved: string): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set(["UTC", saved, ...known])];
}

/** The zone emails give times in (pages always use the browser's). */
export function PreferencesSection({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const id = useId();
  const formats = useTimeFormats();
  const [saved, setSaved] = useState(timeZone);
  const [choice, setChoice] = useState(timeZone);
  const options = useMemo(() => zones(saved), [saved]);
  const save = useMutation(
    trpc.user.updatePreferences.mutationOptions({ onSuccess: (answer) => setSaved(answer.timeZone) }),
  );
  const browserZone = formats.timeZone;
  return (
    <Card>
      <CardHeader
        title="Time zone for email"
        description="Pages show times in this browser's zone. Emails cannot know where you read them, so they use the zone set here."
      />
      <CardBody>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ timeZone: choice });
          }}
        >
          <div className="space-y-1.5">
            <label htmlFor={id} className="text-sm font-medium text-zinc-900 dark:text-zinc-100">
              Time zone
            </label>
            <Select id={id} value={choice} onChange={(e) => setChoice(e.target.value)}>
              {options.map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll("_", " ")}
                </option>
              ))}
            </Select>
            {choice !== browserZone ? (
              <button
                type="button"
                className="text-[13px] font-medium text-indigo-600 hover:underline dark:text-indigo-400"
                onClick={() => setChoice(browserZone)}
              >
                Use this browser&apos;s zone ({browserZone.replaceAll("_", " ")})
              </button>
            ) : null}
          </div>
          {save.isError ? <Alert>{errorMessage(save.error)}</Alert> : null}
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={save.isPending || choice === saved}>
              Save
            </Button>
            <p role="status" className="text-[13px] text-zinc-600 dark:text-zinc-400">
              {save.isSuccess && choice === saved ? `Emails now give times in ${saved.replaceAll("_", " ")}.` : ""}
            </p>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
