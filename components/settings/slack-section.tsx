"use client";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { errorMessage } from "@/components/trpc-errors";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardFooter } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { WebhookEventType } from "@/lib/schemas/webhooks";
import { useTRPC } from "@/lib/trpc/react";

import { EventTypePicker } from "./event-type-picker";
import { SettingsSection } from "./settings-section";

interface SlackSettings {
  configured: boolean;
  urlPreview: string | null;
  eventTypes: string[];
}

export function SlackSection({
  projectKey,
  initial,
  archived,
}: {
  projectKey: string;
  initial: SlackSettings;
  archived: boolean;
}) {
  const trpc = useTRPC();
  const [settings, setSettings] = useState(initial);
  const [url, setUrl] = useState("");
  const [eventTypes, setEventTypes] = useState<WebhookEventType[]>(initial.eventTypes as WebhookEventType[]);
  const [notice, setNotice] = useState<string | null>(null);

  const save = useMutation(
    trpc.webhook.slack.set.mutationOptions({
      onMutate: () => setNotice(null),
      onSuccess: (next) => {
        setSettings(next);
        setUrl("");
        setNotice(next.configured ? "Slack settings saved." : "Slack is turned off for this project.");
      },
    }),
  );

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const trimmed = url.trim();
    // An empty field keeps the stored URL, so event types can change without re-entering it.
    save.mutate({ projectKey, eventTypes, ...(trimmed ? { url: trimmed } : {}) });
  }

  return (
    <SettingsSection
      id="slack"
      title="Slack"
      description="Post this project's events to a Slack channel through an incoming webhook. The URL is kept secret: only its start is shown."
    >
      <Card>
        <form onSubmit={onSubmit} noValidate aria-label="Slack settings">
          <CardBody className="space-y-4">
            <div className="flex flex-wrap items-center gap-2 text-[13px] text-zinc-700 dark:text-zinc-300">
              {settings.configured ? (
                <>
                  <Badge tone="green">Connected</Badge>
                  <span className="font-mono">{settings.urlPreview}</span>
                </>
              ) : (
                <Badge>Off</Badge>
              )}
            </div>
            <div className="space-y-1.5">
              <Label htmlFor="slack-url">
                {settings.configured ? "Replace incoming-webhook URL" : "Incoming-webhook URL"}
              </Label>
              <Input
                id="slack-url"
                type="url"
                autoComplete="off"
                placeholder="https://hooks.slack.com/services/T000/B000/XXXX"
                value={url}
                disabled={archived}
                onChange={(e) => setUrl(e.target.value)}
              />
            </div>
            <EventTypePicker idPrefix="slack" value={eventTypes} onChange={setEventTypes} disabled={archived} />
            {save.error ? <Alert>{errorMessage(save.error)}</Alert> : null}
            {notice ? <Alert tone="success">{notice}</Alert> : null}
          </CardBody>
          {!archived ? (
            <CardFooter>
              {settings.configured ? (
                <Button
                  variant="ghost"
                  disabled={save.isPending}
                  onClick={() => save.mutate({ projectKey, url: null, eventTypes: [] })}
                >
                  Turn off Slack
                </Button>
              ) : null}
              <Button
                type="submit"
                variant="primary"
                loading={save.isPending}
                disabled={!settings.configured && !url.trim()}
              >
                Save
              </Button>
            </CardFooter>
          ) : null}
        </form>
      </Card>
    </SettingsSection>
  );
}
