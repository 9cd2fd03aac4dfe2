// The storefront's HTML page: books with their reviews, and which version of reviews served them.
import type { Book } from "./catalog-data";

interface Detail {
  book: Book;
  reviews: { version: string; reviews: Array<{ reviewer: string; text: string; stars?: number }>; error?: string };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const stars = (n: number) => "★".repeat(n) + "☆".repeat(5 - n);

export function renderShop(details: Detail[], storefrontVersion: string): string {
  const versions = [...new Set(details.map((d) => d.reviews.version))];
  const cards = details
    .map(({ book, reviews }) => {
      const items = reviews.error
        ? `<p class="muted">Reviews are unavailable right now.</p>`
        : reviews.reviews
            .map((r) => `<blockquote>${r.stars !== undefined ? `<span class="stars" aria-label="${r.stars} of 5 stars">${stars(r.stars)}</span>` : ""}“${esc(r.text)}” <cite>— ${esc(r.reviewer)}</cite></blockquote>`)
            .join("");
      return `<article><h2>${esc(book.title)}</h2><p class="muted">${esc(book.author)} · ${book.year}</p><p class="price">$${book.price}</p>${items}<p class="served">reviews ${esc(reviews.version)}</p></article>`;
    })
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Weft Books</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1c2430}
header{background:#14213d;color:#fff;padding:18px 32px;display:flex;justify-content:space-between;align-items:baseline}
header h1{margin:0;font-size:22px}header p{margin:0;opacity:.75;font-size:13px}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:16px;padding:24px 32px}
article{background:#fff;border-radius:10px;padding:16px 18px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:17px;margin:0 0 4px}.muted{color:#6b7280;margin:0 0 8px;font-size:13px}.price{font-weight:600}
blockquote{margin:8px 0;font-size:14px}.stars{color:#e0a100;margin-right:6px;letter-spacing:1px}cite{color:#6b7280}
.served{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:#4f6bed;margin:10px 0 0}
footer{padding:0 32px 24px;color:#6b7280;font-size:12px}
</style></head>
<body data-reviews-version="${esc(versions.join(","))}"><header><h1>Weft Books</h1><p>a demo shop running on the Weft mesh</p></header>
<main>${cards}</main>
<footer>storefront ${esc(storefrontVersion)} · reviews served by ${esc(versions.join(" and "))}</footer></body></html>`;
}
