// The bookshop's fixed inventory (the demo has no database of its own).
export interface Book {
  id: string;
  title: string;
  author: string;
  year: number;
  price: number;
}

export const BOOKS: Book[] = [
  { id: "b1", title: "The Pragmatic Network", author: "A. Lovelace", year: 2019, price: 34 },
  { id: "b2", title: "Queues All the Way Down", author: "E. Dijkstra", year: 2021, price: 29 },
  { id: "b3", title: "Tail Latency at Scale", author: "J. Dean", year: 2013, price: 41 },
  { id: "b4", title: "Designing Calm Systems", author: "G. Hopper", year: 2024, price: 38 },
];

export const REVIEWS: Record<string, Array<{ reviewer: string; text: string }>> = {
  b1: [{ reviewer: "sre-sam", text: "Finally explains retries without hand-waving." }],
  b2: [{ reviewer: "ops-olga", text: "I read it twice, then rewrote our consumers." }],
  b3: [{ reviewer: "perf-pat", text: "The p99 chapter alone is worth it." }],
  b4: [{ reviewer: "oncall-oli", text: "Made our pager quieter. Recommended." }],
};

export const RATINGS: Record<string, number> = { b1: 4, b2: 5, b3: 5, b4: 3 };
