/**
 * What every import source (CSV, ReqIF, .reqifz) is turned into before
 * anything is written: requirement rows in source order — a parent before
 * its children — and the custom attributes they carry. The importer
 * (server/services/imports/run-import.ts) matches rows to existing
 * requirements, validates them against the project and writes them.
 */
import type {
  IssueSeverity,
  IssueStatus,
  RequirementPriority,
  RequirementStatus,
  RequirementType,
} from "@prisma/client";

import type { AttributeType } from "@/lib/schemas/project";

/** A custom attribute value as a source gives it: rich text as Markdown, dates as ISO strings, multi-valued enums as arrays. */
export type ImportValue = string | number | boolean | string[];

/** A custom attribute the source carries; matched to the project's definitions by key, then by label. */
export interface ImportAttribute {
  /** The key to define it under when the project has no such attribute (derived from the label when absent). */
  key?: string;
  label: string;
  type: AttributeType;
  /** The allowed values of an enum or multiEnum, in the source's order. */
  options?: string[];
}

export interface ImportRequirementRow {
  /** Where the row is in the source, 1-based, for the error report: the CSV record's line, the ReqIF object's position. */
  row: number;
  /** The source's stable identifier (ReqIF SPEC-OBJECT IDENTIFIER, a CSV id column): a re-import updates what it created. */
  sourceRef: string | null;
  /** A Specline key to update (a key column, or ReqIF.ForeignID in a file Specline wrote). */
  key: string | null;
  /** The parent as the sourceRef of an earlier row of the same import ... */
  parentRef: string | null;
  /** ... or as the key of a requirement already in the project. */
  parentKey: string | null;
  title: string;
  /** Markdown. */
  statement: string;
  /** Markdown. */
  rationale: string;
  /** Absent: a new requirement gets the default, an updated one keeps its value. */
  type?: RequirementType;
  priority?: RequirementPriority;
  status?: RequirementStatus;
  tags?: string[];
  /** Values by ImportAttribute label. */
  attributes: Record<string, ImportValue>;
}

export interface ImportRowError {
  /** 1-based row of the source; 0 for the file as a whole. */
  row: number;
  message: string;
}

/** A source read to the end: its attributes, its rows and what could not be read. */
export interface ImportSource {
  attributes: ImportAttribute[];
  rows: ImportRequirementRow[];
  /** Rows that could not be read at all (a malformed record, an object without any text). */
  errors: ImportRowError[];
  /**
   * Whether the source says where each row sits (ReqIF always does; a CSV only with a parent column).
   * `false`: an updated requirement stays where it is, a new one goes to the top level.
   */
  hierarchy?: boolean;
}

/** An issue as an issue source (a CSV, such as Jira's export) gives it. */
export interface ImportIssueRow {
  /** 1-based line of the source's record, for the error report. */
  row: number;
  /** The source's stable identifier (Jira's "Issue key", an id column): a re-import updates what it created. */
  sourceRef: string | null;
  /** A Specline issue key to update. */
  key: string | null;
  title: string;
  /** Markdown. */
  description: string;
  /** Absent: a new issue gets MEDIUM, an updated one keeps its value. */
  severity?: IssueSeverity;
  status?: IssueStatus;
  labels?: string[];
  /** The assignee as the source names them (an email address or a display name), matched to a project member. */
  assignee?: string | null;
}

export interface ImportIssueSource {
  rows: ImportIssueRow[];
  errors: ImportRowError[];
}
