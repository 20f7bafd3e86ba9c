"""Outbound clients for the ATSs, behind one interface (``plugin.ats.base.AtsClient``)."""
