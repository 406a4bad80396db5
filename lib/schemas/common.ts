/** Input building blocks shared by every router: keys, names, pagination. */
import { z } from "zod";

export const MAX_PAGE_SIZE = 100;

export const pagination = {
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
};

export const projectKey = z
  .string()
  .trim()
  .regex(/^[A-Z]{2,10}$/, "Project key must be 2–10 upper-case letters (A–Z)");

export const id = z.string().min(1).max(64);

export const email = z.string().trim().toLowerCase().max(254).email("Enter a valid email address");

export const displayName = z.string().trim().min(1, "Name is required").max(100);

export const longText = (max: number) => z.string().max(max, `Must be at most ${max} characters`);

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
