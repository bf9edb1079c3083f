"""Recomputes graph-builder's metrics with networkx, for test/services/graph-builder/networkx.test.ts.

stdin: a JSON list of graphs, each {"nodes": n, "edges": [[source, target, weight], ...],
       "communities": [c0, c1, ...], "alpha": a, "tolerance": t, "max_iterations": m, "seed": s}
stdout: a JSON list: the same metrics of each graph as networkx computes them.
(One process for every graph: importing networkx takes seconds on a loaded machine.)
"""
import json
import sys

import networkx as nx


def metrics(spec):
    g = nx.Graph()
    g.add_nodes_from(range(spec["nodes"]))
    g.add_weighted_edges_from(spec["edges"])
    components = sorted((len(c) for c in nx.connected_components(g)), reverse=True)
    rank = nx.pagerank(
        g, alpha=spec["alpha"], tol=spec["tolerance"], max_iter=spec["max_iterations"], weight="weight"
    )
    ours = {}
    for node, community in enumerate(spec["communities"]):
        ours.setdefault(community, set()).add(node)
    theirs = nx.community.louvain_communities(g, weight="weight", seed=spec["seed"])
    return {
        "networkx": nx.__version__,
        "density": nx.density(g),
        "components": components,
        "degree_histogram": nx.degree_histogram(g),
        "pagerank": [rank[i] for i in range(spec["nodes"])],
        "modularity_of_our_partition": nx.community.modularity(g, ours.values(), weight="weight"),
        "louvain_modularity": nx.community.modularity(g, theirs, weight="weight"),
        "louvain_communities": len(theirs),
    }


json.dump([metrics(spec) for spec in json.load(sys.stdin)], sys.stdout)
