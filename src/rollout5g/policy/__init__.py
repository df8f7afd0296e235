"""Policy documents as data: the seed documents' tasks, units, deadlines, targets and incentives.

``data/organizations.yaml`` is the unit directory (organizations and collective terms);
``data/documents/*.yaml`` encode one policy document each. :mod:`rollout5g.policy.schema`
validates a file and reports every problem with its file, line and field;
:mod:`rollout5g.policy.directory` resolves the unit names the documents write to organization
codes; :mod:`rollout5g.policy.deadlines` turns the documents' deadline phrases into dates.
None of these modules imports Django: the Django loader calls them.
"""
