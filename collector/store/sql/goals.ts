// The goals table's writes (migration 0015), the same SQL on SQLite, D1 and Postgres: a goal
// added through the admin API replaces the label of the same goal, and removing one deletes its
// row. (Read by sqlReads' `goals`.)
import type { Statement } from './journey';

/** Adds (or relabels) goal ?2 of site ?1, label ?3, at ?4. */
export const saveGoalStatement = (site: string, goal: string, label: string | null, at: number): Statement => ({
  sql: 'INSERT INTO goals (site, goal, label, created) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (site, goal) DO UPDATE SET label = excluded.label',
  params: [site, goal, label, at],
});

/** Deletes goal ?2 of site ?1. */
export const deleteGoalStatement = (site: string, goal: string): Statement => ({
  sql: 'DELETE FROM goals WHERE site = ?1 AND goal = ?2',
  params: [site, goal],
});
