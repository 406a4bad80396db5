import { NotFoundView } from "@/components/status-view";

export default function AppNotFound() {
  return <NotFoundView />;
}
