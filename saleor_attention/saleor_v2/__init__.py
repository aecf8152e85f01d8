"""Adapter for Saleor 2.10 (Django 3.0, graphene 2): the only place that imports saleor.*"""
