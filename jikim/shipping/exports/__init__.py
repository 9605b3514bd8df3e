"""Files that leave jikim: courier upload sheets, marketplace tracking uploads, and the
reading back of courier result files. Pure Python, no Django."""
