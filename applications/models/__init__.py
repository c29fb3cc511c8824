from .calls import Call, CallDocument, CallState, DecisionRoute

__all__ = ["Call", "CallDocument", "CallState", "DecisionRoute"]
