/**
 * Renders user-written Markdown (requirement statements, issue text) safely:
 * react-markdown builds React elements and never injects raw HTML, and links
 * are limited to http(s), mailto and relative URLs, so requirement text cannot
 * run script in a reader's browser.
 */
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";

const SAFE_URL = /^(https?:|mailto:|\/|#|\.)/i;

function safeUrl(url: string): string {
  const transformed = defaultUrlTransform(url);
  return SAFE_URL.test(transformed) ? transformed : "";
}

export function Markdown({ children, className = "" }: { children: string; className?: string }) {
  return (
    <div className={`specline-prose ${className}`}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        urlTransform={safeUrl}
        components={{
          a: ({ href, children: text }) => (
            <a href={href} rel="noopener noreferrer nofollow" target="_blank">
              {text}
            </a>
          ),
          img: ({ src, alt }) =>
            typeof src === "string" && /^(https?:|\/)/.test(src) ? (
              // biome-ignore lint/performance/noImgElement: images in user-written Markdown come from arbitrary hosts, which next/image cannot load without allow-listing each one
              <img src={src} alt={alt ?? ""} loading="lazy" />
            ) : null,
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
